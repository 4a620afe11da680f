from django.http import HttpResponseBadRequest

NUL_REFUSED = "NUL characters are not allowed in addresses or query strings."


def refuse_nul_bytes(get_response):
    """PostgreSQL cannot store or compare text holding NUL; such a request is refused, not a 500."""

    def middleware(request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware
