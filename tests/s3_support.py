"""A local S3-compatible server for the storage tests: moto's server mode (its WSGI app, served
by werkzeug in a thread like ``ThreadedMotoServer``), started once per run on a free port; each
test gets its own empty bucket.

moto stores and serves objects like S3 but checks no credentials, so two rules real S3 enforces
are added in front of it (``_S3Rules``): a request that is neither signed (``Authorization``)
nor presigned (``X-Amz-Signature``) is refused with 403, and a presigned URL is refused with 403
once ``X-Amz-Date`` + ``X-Amz-Expires`` has passed. Without them a test could not tell a private
object from a public one, nor an expired link from a live one.

``s3_env`` switches the app's settings to ``LMS_STORAGE=s3`` against that bucket (through the
real settings loader, so the tests exercise exactly what an operator configures)."""

from __future__ import annotations

import uuid

import pytest

ACCESS_KEY, SECRET_KEY, REGION = "test-access-key", "test-secret-key", "us-east-1"


class _S3Rules:
    """WSGI middleware: S3's refusal of anonymous and expired requests (see the module doc)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        from datetime import datetime, timezone
        from urllib.parse import parse_qs

        query = parse_qs(environ.get("QUERY_STRING", ""))
        refusal = None
        if "X-Amz-Signature" in query:
            try:
                signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
                expired = (datetime.now(timezone.utc) - signed).total_seconds() > int(query["X-Amz-Expires"][0])
            except (KeyError, ValueError):
                expired = True
            if expired:
                refusal = b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"
        elif not environ.get("HTTP_AUTHORIZATION"):
            refusal = b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
        if refusal is not None:
            start_response("403 Forbidden", [("Content-Type", "application/xml"),
                                             ("Content-Length", str(len(refusal)))])
            return [refusal]
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def s3_server():
    import threading

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    app = _S3Rules(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()


def s3_client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY)


@pytest.fixture
def s3_bucket(s3_server):
    """A new empty bucket on the local server: (endpoint, bucket name)."""
    name = f"lms-{uuid.uuid4().hex[:12]}"
    s3_client(s3_server).create_bucket(Bucket=name)
    return s3_server, name


def s3_variables(endpoint: str, bucket: str) -> dict[str, str]:
    return {"LMS_STORAGE": "s3", "LMS_S3_BUCKET": bucket, "LMS_S3_ENDPOINT_URL": endpoint,
            "LMS_S3_REGION": REGION, "LMS_S3_ACCESS_KEY_ID": ACCESS_KEY, "LMS_S3_SECRET_ACCESS_KEY": SECRET_KEY}


@pytest.fixture
def s3_env(s3_bucket, use_env):
    """The app's settings switched to object storage on a fresh bucket; returns the settings."""
    endpoint, bucket = s3_bucket
    return use_env(**s3_variables(endpoint, bucket))


def bucket_objects(endpoint: str, bucket: str) -> dict[str, bytes]:
    client = s3_client(endpoint)
    out = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", ()):
            out[item["Key"]] = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return out
