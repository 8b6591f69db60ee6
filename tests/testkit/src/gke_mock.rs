//! A mock of the GKE API (container.googleapis.com/v1) on loopback, for the real gcloud.
