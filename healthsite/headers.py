"""Response headers that Django's SecurityMiddleware and django-csp do not set.

Permissions-Policy switches off browser features the site never uses, and
Cross-Origin-Resource-Policy keeps other sites from embedding our responses. Both go on
every response, static files included (this middleware sits before WhiteNoise).
"""

from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Permissions-Policy": ", ".join(
                f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED
            ),
            "Cross-Origin-Resource-Policy": settings.CROSS_ORIGIN_RESOURCE_POLICY,
        }

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response
