"""Operations: the health check, Prometheus metrics at /metrics, optional Sentry."""
