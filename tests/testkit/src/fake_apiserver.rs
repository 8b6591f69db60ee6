//! A fake Kubernetes API server on loopback.
