"""Guides and refugees: the profile of DESIGN.md, a status each, credentials for guides.

List-valued fields (languages, interests, activities, availability) live in a
tag table per side, one row per value, indexed by (kind, value): "every guide
who speaks Arabic" is an indexed query on SQLite and PostgreSQL alike. On the
objects they read and write as tuples (`guide.languages = ("nb", "ar")`).
"""
from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint,
    and_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship, selectinload

from guidematch import vocabulary as v
from guidematch.models.base import Model, UTCDateTime, enum_type
from guidematch.models.branch import Branch
from guidematch.services import clock


class TagKind(StrEnum):
    LANGUAGE = "language"
    INTEREST = "interest"
    ACTIVITY = "activity"
    SLOT = "slot"


LIST_FIELDS: dict[str, TagKind] = {
    "languages": TagKind.LANGUAGE,
    "interests": TagKind.INTEREST,
    "activities": TagKind.ACTIVITY,
    "availability": TagKind.SLOT,
}


class TagList:
    """A tuple-valued attribute kept as rows of the owner's tag table."""

    def __init__(self, kind: TagKind):
        self.kind = kind

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        tags = sorted((t for t in obj.tags if t.kind == self.kind), key=lambda t: t.position)
        return tuple(t.value for t in tags)

    def __set__(self, obj, values) -> None:
        # Reuse rows whose value stays: deleting and re-inserting the same primary
        # key in one flush would collide.
        existing = {t.value: t for t in obj.tags if t.kind == self.kind}
        wanted = list(dict.fromkeys(values))
        for position, value in enumerate(wanted):
            tag = existing.pop(value, None)
            if tag is None:
                obj.tags.append(obj.tag_class(kind=self.kind, value=value, position=position))
            else:
                tag.position = position
        for tag in existing.values():
            obj.tags.remove(tag)


def _tag_table(owner_table: str, class_name: str):
    owner_column = owner_table[:-1] + "_id"  # guides -> guide_id

    attrs = {
        "__tablename__": owner_table[:-1] + "_tags",
        "__table_args__": (Index(f"ix_{owner_table[:-1]}_tags_kind_value", "kind", "value"),),
        owner_column: mapped_column(ForeignKey(f"{owner_table}.id", ondelete="CASCADE"), primary_key=True),
        "kind": mapped_column(enum_type(TagKind), primary_key=True),
        "value": mapped_column(String(32), primary_key=True),
        "position": mapped_column(SmallInteger, default=0),
        "__annotations__": {owner_column: Mapped[int], "kind": Mapped[TagKind],
                            "value": Mapped[str], "position": Mapped[int]},
    }
    return type(class_name, (Model,), attrs)


GuideTag = _tag_table("guides", "GuideTag")
RefugeeTag = _tag_table("refugees", "RefugeeTag")

# SQLAlchemy loads a relationship "selectin" in batches of 500 parent ids: a list of
# 2,000 people took four tag queries, and query counts grew with the branch. Lists
# of many people ask for their tags in one query instead, up to SQLite's limit of
# 32,766 bound parameters (a branch has thousands of people, not tens of thousands).
TAGS_IN_ONE_QUERY = 30_000


def with_all_tags(model):
    """Return a loader option: the tags of every person a query loads, in one query."""
    return selectinload(model.tags, chunksize=TAGS_IN_ONE_QUERY)


def new_ref(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


class Profile:
    """The columns guides and refugees share (DESIGN.md's profile table)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # The `id` column of the CSV form: unique within a branch, kept across round trips.
    ref: Mapped[str] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    gender: Mapped[v.Gender] = mapped_column(enum_type(v.Gender))
    gender_preference: Mapped[v.GenderPreference] = mapped_column(
        enum_type(v.GenderPreference), default=v.GenderPreference.ANY, server_default="any")
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    family_situation: Mapped[v.FamilySituation | None] = mapped_column(enum_type(v.FamilySituation))
    district: Mapped[str] = mapped_column(String(100), default="", server_default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    education_level: Mapped[v.EducationLevel | None] = mapped_column(enum_type(v.EducationLevel))
    occupation: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The language this person reads their emails in.
    locale: Mapped[str] = mapped_column(String(8), default="nb", server_default="nb")
    coordinator_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    languages = TagList(TagKind.LANGUAGE)
    interests = TagList(TagKind.INTEREST)
    activities = TagList(TagKind.ACTIVITY)
    availability = TagList(TagKind.SLOT)

    @declared_attr
    def branch_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("branches.id", ondelete="RESTRICT"), index=True)

    @declared_attr
    def branch(cls) -> Mapped[Branch]:
        return relationship(Branch)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def age(self, today: date) -> int | None:
        return None if self.birth_year is None else today.year - self.birth_year

    @classmethod
    def has_tag(cls, kind: TagKind, value: str):
        """Return a WHERE clause: this person has `value` among their `kind` tags."""
        tag = cls.tag_class
        return cls.tags.any(and_(tag.kind == kind, tag.value == value))


def _profile_constraints(table: str):
    return (
        UniqueConstraint("branch_id", "ref", name=f"uq_{table}_branch_ref"),
        UniqueConstraint("branch_id", "email", name=f"uq_{table}_branch_email"),
        CheckConstraint("lat IS NULL OR (lat BETWEEN -90 AND 90)", name="lat_range"),
        CheckConstraint("lon IS NULL OR (lon BETWEEN -180 AND 180)", name="lon_range"),
        CheckConstraint("birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100", name="birth_year_range"),
    )


class Guide(Profile, Model):
    __tablename__ = "guides"
    __table_args__ = _profile_constraints("guides") + (
        CheckConstraint("capacity BETWEEN 1 AND 10", name="capacity_range"),
    )
    tag_class = GuideTag

    status: Mapped[v.GuideStatus] = mapped_column(
        enum_type(v.GuideStatus), default=v.GuideStatus.APPLIED, index=True)
    has_car: Mapped[bool] = mapped_column(default=False, server_default="0")
    has_pets: Mapped[bool] = mapped_column(default=False, server_default="0")
    capacity: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    motivation: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Credentials checked before a guide may be matched (DESIGN.md "Matching").
    interview_on: Mapped[date | None] = mapped_column(Date)
    intro_course_on: Mapped[date | None] = mapped_column(Date)
    confidentiality_signed_on: Mapped[date | None] = mapped_column(Date)
    police_certificate_on: Mapped[date | None] = mapped_column(Date)
    rejection_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The recruitment campaign whose link they signed up through; kept when the campaign goes.
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)

    tags: Mapped[list[GuideTag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", passive_deletes=True)

    @hybrid_property
    def credentials_complete(self) -> bool:
        return None not in (self.interview_on, self.intro_course_on, self.confidentiality_signed_on)

    @credentials_complete.inplace.expression
    @classmethod
    def _credentials_complete_expression(cls):
        return and_(cls.interview_on.is_not(None), cls.intro_course_on.is_not(None),
                    cls.confidentiality_signed_on.is_not(None))

    @hybrid_property
    def is_available(self) -> bool:
        """Vetted, willing to take a refugee, and not anonymised (free places are apart)."""
        return (self.status == v.GuideStatus.AVAILABLE and self.credentials_complete
                and self.anonymised_at is None)

    @is_available.inplace.expression
    @classmethod
    def _is_available_expression(cls):
        return and_(cls.status == v.GuideStatus.AVAILABLE, cls.credentials_complete,
                    cls.anonymised_at.is_(None))

    @property
    def has_police_certificate(self) -> bool:
        return self.police_certificate_on is not None

    def __repr__(self) -> str:
        return f"<Guide {self.id} {self.ref}>"


class Refugee(Profile, Model):
    __tablename__ = "refugees"
    __table_args__ = _profile_constraints("refugees")
    tag_class = RefugeeTag

    status: Mapped[v.RefugeeStatus] = mapped_column(
        enum_type(v.RefugeeStatus), default=v.RefugeeStatus.WAITING, index=True)
    country_of_origin: Mapped[str] = mapped_column(String(2), default="", server_default="")
    norwegian_level: Mapped[v.NorwegianLevel | None] = mapped_column(enum_type(v.NorwegianLevel))
    waiting_since: Mapped[date] = mapped_column(Date, default=clock.today)
    pets_ok: Mapped[bool] = mapped_column(default=True, server_default="1")
    interpreter_needed: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Who referred this person (the municipality's caseworker), if anyone.
    referred_by_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    referred_by_email: Mapped[str] = mapped_column(String(254), default="", server_default="")

    tags: Mapped[list[RefugeeTag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", passive_deletes=True)

    @hybrid_property
    def is_waiting(self) -> bool:
        """On the waiting list: waiting, and not anonymised (an erased person waits no more)."""
        return self.status == v.RefugeeStatus.WAITING and self.anonymised_at is None

    @is_waiting.inplace.expression
    @classmethod
    def _is_waiting_expression(cls):
        return and_(cls.status == v.RefugeeStatus.WAITING, cls.anonymised_at.is_(None))

    def __repr__(self) -> str:
        return f"<Refugee {self.id} {self.ref}>"
