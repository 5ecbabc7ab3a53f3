"""Workflow support: code versions, provenance, job logs and job costs."""
