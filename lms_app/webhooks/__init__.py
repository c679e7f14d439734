"""Outgoing webhooks: admins (any event) and teachers (their own courses' events) register URLs;
each domain event becomes one signed delivery per registration, sent by the job queue with
retries and logged."""
