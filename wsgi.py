"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`."""
import gc

from guidematch import create_app

app = create_app()

# Everything made so far (modules, the app, its translations and SQL caches) lives as long as
# the worker: frozen, the collector no longer walks it. Unfrozen, each full collection walked
# some 200,000 objects for about 60 ms, in one request out of twenty, whatever the page
# (bench/web.py: the p95 of /applicants was 75 ms against a p50 of 10 ms).
gc.freeze()
