"""orq.ai (``my.orq.ai``): ``api`` is the face and serves the reporting API, ``traces`` the traces and
spans (v3)."""
