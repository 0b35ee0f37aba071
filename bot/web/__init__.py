"""The HTTP side: health, the webhook endpoint, and local mode's web chat."""
