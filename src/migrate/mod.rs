//! `migrate`: put named workloads under GKE Sandbox, changing only what must change.
//!
//! Sans-IO core: an object (manifest or live) and a [`Context`](crate::explain::Context)
//! go in; a [`Planned`] action comes out ([`plan`]): migrate with a JSON merge patch and
//! the exact [`Change`]s, skip with the blocking findings, already done, or a bare Pod with
//! advice. [`text_edit`] applies the same changes to manifest text, keeping comments and
//! layout. [`apply`] is the order of the writes that keeps a cluster safe, through a [`writer::Writer`]
//! that `k8s` implements; [`backup`] writes files.

mod admission;
pub mod apply;
pub(crate) mod backup;
#[cfg(test)]
mod fake_writer;
mod merge;
mod pins;
mod plan;
pub(crate) mod preflight;
pub mod report;
pub(crate) mod text_edit;
pub(crate) mod wait;
pub(crate) mod writer;

pub(crate) use admission::admit_all;
#[cfg(test)]
pub(crate) use merge::merge_patch;
pub use plan::plan;
pub(crate) use plan::{Action, Change, Planned};
