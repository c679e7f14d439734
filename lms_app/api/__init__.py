"""The REST API (``/api/v1``): a FastAPI app mounted in the Reflex backend's process.

Core pieces live here (the app, bearer authentication, token services, rate limits, the error
shape); each feature contributes its own router through the ``lms_api_routers`` hook, and every
endpoint calls the same service functions as the pages."""
