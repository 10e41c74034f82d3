"""The score formula, written once for blocks of pairs and for lists of single pairs.

Inputs are per-person columns (shaped (rows, 1) against (1, guides) for a
block, or (k,) against (k,) for k pairs) and every step is an elementwise
numpy operation with exactly rounded results, applied in the same order in
both shapes, so that a pair's score is the same bit for bit either way.
Results go into preallocated buffers: allocating fresh megabyte temporaries
for each of ~50 steps costs more (page faults) than the arithmetic itself.

The arithmetic is single precision (FLOAT): twice the numbers per instruction
and per cache line, and a score exact to about 1e-4 points, far below the 0.1
anyone sees. Scores are exact copies of each other wherever they are computed,
because the steps are the same.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

NEUTRAL = 0.5           # what a part gives when a side left the field empty
AGE_SPAN = 40.0         # years at which age closeness reaches 0
SLOTS_ENOUGH = 3        # shared availability slots that count as a full fit
DISTANCE_SPAN = 20.0    # km at which distance reaches 0
EARTH_RADIUS_KM = 6371.0088
FLOAT = np.float32      # the formula's arithmetic; results are widened to float64 exactly


_FLOAT_BUFFERS = ("total", "p", "a", "b", "q", "table")


@dataclass
class Workspace:
    """Scratch arrays of one shape, cut from buffers one thread reuses block after block."""

    total: np.ndarray
    p: np.ndarray
    a: np.ndarray
    b: np.ndarray
    q: np.ndarray
    table: np.ndarray
    bits: np.ndarray
    count: np.ndarray
    count2: np.ndarray
    flag: np.ndarray

    @classmethod
    def of_shape(cls, shape: tuple[int, ...]) -> Workspace:
        """Allocate every buffer for results of this shape."""
        return cls.flat(int(np.prod(shape))).shaped(shape)

    @classmethod
    def flat(cls, size: int) -> Workspace:
        """Allocate one-dimensional buffers of `size` cells, to be cut with `shaped`."""
        return cls(**{name: np.empty(size, dtype=FLOAT) for name in _FLOAT_BUFFERS},
                   bits=np.empty(size, dtype=np.uint64), count=np.empty(size, dtype=np.uint8),
                   count2=np.empty(size, dtype=np.uint8), flag=np.empty(size, dtype=bool))

    def shaped(self, shape: tuple[int, ...]) -> Workspace:
        """Views of the buffers' first cells in this shape (contiguous, so fast)."""
        n = int(np.prod(shape))
        return Workspace(**{name: buf[:n].reshape(shape) for name, buf in vars(self).items()})


def fill_missing(p: np.ndarray, missing_r: np.ndarray, missing_g: np.ndarray,
                 value: float | Callable[[object, object], np.ndarray]) -> None:
    """Set the pairs where either side left the field empty.

    In a block, missing_r is a (rows, 1) mask and missing_g the guides' column
    positions; for single pairs both are masks.
    """
    def at(i, j):
        return value if np.isscalar(value) else value(i, j)  # type: ignore[operator]

    if p.ndim == 2:
        rows = missing_r[:, 0]
        if rows.any():
            p[rows] = at(rows, slice(None))
        if len(missing_g):
            p[:, missing_g] = at(slice(None), missing_g)
    else:
        where = missing_r | missing_g
        if where.any():
            p[where] = at(where, where)


def common(a: np.ndarray, b: np.ndarray, bits: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Count the members two bit sets share (whole numbers, exact)."""
    np.bitwise_and(a, b, out=bits)
    return np.bitwise_count(bits, out=out)


def common_words(a: np.ndarray, b: np.ndarray, bits: np.ndarray, out: np.ndarray,
                 spare: np.ndarray) -> np.ndarray:
    """`common` over bit sets of several 64-bit words (last axis)."""
    common(a[..., 0], b[..., 0], bits, out)
    for w in range(1, a.shape[-1]):
        np.add(out, common(a[..., w], b[..., w], bits, spare), out=out)
    return out


def distance_km(x1, y1, z1, x2, y2, z2, out: np.ndarray | None = None,
                work: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Great-circle distance between points given on a sphere of the earth's radius (km).

    The chord c between two points gives the haversine distance 2R asin(c/2R);
    within the 20 km that matter asin(s) = s + s^3/6 to a relative 1e-12, so
    d = c (1 + c^2 / 24R^2) needs only exactly rounded steps, no trigonometry.
    """
    shape = np.broadcast_shapes(np.shape(x1), np.shape(x2))
    a, q = work if work is not None else (np.empty(shape), np.empty(shape))
    out = out if out is not None else np.empty(shape)
    np.subtract(x1, x2, out=a)
    np.multiply(a, a, out=q)
    np.subtract(y1, y2, out=a)
    a *= a
    q += a
    np.subtract(z1, z2, out=a)
    a *= a
    q += a
    np.sqrt(q, out=a)
    np.multiply(q, 1.0 / (24.0 * EARTH_RADIUS_KM * EARTH_RADIUS_KM), out=out)
    out += 1.0
    out *= a
    return out


def weighted_sum(x: SimpleNamespace, c: Mapping[str, float], ws: Workspace) -> np.ndarray:
    """Add up the weighted parts into ws.total; x holds the per-person columns.

    With every coefficient negated (and x.table, x.row_constant too) the result is
    exactly the negated score: each step rounds symmetrically.
    """
    T, P, A, B = ws.total, ws.p, ws.a, ws.b
    with np.errstate(divide="ignore", invalid="ignore"):
        common(x.int_r, x.int_g, ws.bits, ws.count)               # interests: Jaccard
        np.copyto(A, ws.count)
        np.add(x.n_int_r, x.n_int_g, out=B)
        B -= A
        np.divide(A, B, out=T)
        fill_missing(T, x.int_miss_r, x.int_miss_g, NEUTRAL)
        T *= c["interests"]

        common(x.act_r, x.act_g, ws.bits, ws.count)               # wanted activities offered
        np.multiply(ws.count, x.act_scale, out=P)
        fill_missing(P, x.act_miss_r, x.act_miss_g, NEUTRAL * c["activities"])
        T += P

        common_words(x.lang_r, x.lang_g, ws.bits, ws.count, ws.count2)  # a common language
        np.minimum(ws.count, 1, out=ws.count)
        np.multiply(ws.count, c["language"], out=P)
        fill_missing(P, x.lang_miss_r, x.lang_miss_g, NEUTRAL * c["language"])
        T += P

        T += x.table                                              # family; education half

        np.equal(x.occ_r, x.occ_g, out=ws.flag)                   # occupation half
        np.multiply(ws.flag, 0.5 * c["background"], out=P)
        fill_missing(P, x.occ_miss_r, x.occ_miss_g, NEUTRAL * 0.5 * c["background"])
        T += P

        np.subtract(x.year_r, x.year_g, out=P)                    # age: full points less penalty
        np.abs(P, out=P)
        np.minimum(P, AGE_SPAN, out=P)
        P *= c["age"] / AGE_SPAN
        fill_missing(P, x.year_miss_r, x.year_miss_g, (1.0 - NEUTRAL) * c["age"])
        T -= P

        common(x.slot_r, x.slot_g, ws.bits, ws.count)             # shared availability
        np.minimum(ws.count, SLOTS_ENOUGH, out=ws.count)
        np.multiply(ws.count, c["availability"] / SLOTS_ENOUGH, out=P)
        fill_missing(P, x.slot_miss_r, x.slot_miss_g, NEUTRAL * c["availability"])
        T += P

        distance_km(x.x_r, x.y_r, x.z_r, x.x_g, x.y_g, x.z_g, out=P, work=(A, ws.q))
        np.minimum(P, DISTANCE_SPAN, out=P)                       # location: full less penalty
        P *= c["location"] / DISTANCE_SPAN
        full, half = c["location"], (1.0 - NEUTRAL) * c["location"]

        def no_coordinates(i, j) -> np.ndarray:
            # Districts known on both sides (and different): no fit; otherwise neutral.
            given_g = x.dgiven_g[:, j] if P.ndim == 2 else x.dgiven_g[j]
            return np.where(x.dgiven_r[i] & given_g, full, half)
        fill_missing(P, x.coords_miss_r, x.coords_miss_g, no_coordinates)
        np.not_equal(x.dist_r, x.dist_g, out=ws.flag)             # same district: no penalty
        P *= ws.flag
        T -= P

        T += x.row_constant                                       # full points: age, location

        # Waiting (parts.py): months longer than the guide's shortest waiter, capped, times
        # the gate, a ramp on the fit points summed so far. Written so that negated
        # coefficients give exactly the negated gate input and waiting points.
        np.add(T, c["gate_shift"], out=A)                         # fit less the floor
        A *= c["gate_scale"]
        np.clip(A, 0.0, 1.0, out=A)                               # the gate, 0-1
        np.subtract(x.months_r, x.shortest_g, out=P)              # months longer, whole
        np.clip(P, 0.0, x.span, out=P)
        P *= c["waiting_per_month"]
        P *= A
        T += P
    return T
