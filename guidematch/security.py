"""Security headers on every response."""
from flask import Flask, Response, request

# Everything is served from our own origin (Bootstrap included): no CDN, no inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
)

# Our CSS, scripts and images (and Bootstrap's): the only responses a browser may keep.
STATIC_ENDPOINTS = {"static", "bootstrap.static"}


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint not in STATIC_ENDPOINTS:
        # Every page but our CSS and scripts may show someone's data (a coordinator's lists,
        # a person's link page, a form typed back): no browser or proxy may keep a copy.
        response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
    if app.config["SESSION_COOKIE_SECURE"]:
        @app.after_request
        def hsts(response: Response) -> Response:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            return response
