"""gunicorn settings for guidematch behind nginx (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

One instance per port; run two or more (systemd's guidematch@8001, guidematch@8002) so a
restart or a crash of one leaves the other serving. GUNICORN_BIND and GUNICORN_WORKERS
override the defaults; command-line flags override this file.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")  # nginx only: never a public address
# Sync workers: nginx buffers slow clients, and each request is short database work.
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(4, multiprocessing.cpu_count() * 2))))
timeout = 30  # a request longer than this is stuck (the matching run on a branch takes < 2 s)
graceful_timeout = 30
keepalive = 5  # nginx keeps connections to the upstream open (upstream keepalive)
# The app trusts X-Forwarded-* from one proxy itself (PROXY_COUNT=1, werkzeug's ProxyFix);
# gunicorn need not rewrite anything: only nginx on this host can reach the port.
forwarded_allow_ips = "127.0.0.1"
# Logs to stdout/stderr (the journal). The path without the query string: a search
# (`/guides?q=...`) may hold a person's name, and no personal data goes into logs.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
proc_name = "guidematch"
