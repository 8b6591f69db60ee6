//! The one place that runs gcloud.
