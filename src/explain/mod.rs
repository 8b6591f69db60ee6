//! `explain-pod`: which features of a pod spec GKE Sandbox blocks or degrades (sans-IO).
