//! `explain-pod`: which features of a pod spec GKE Sandbox blocks or degrades (sans-IO).

mod path;

pub use path::{FieldPath, Segment};
