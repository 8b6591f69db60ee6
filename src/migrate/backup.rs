//! The backup `migrate --apply` writes before its first change, and `--rollback` reads.
//!
//! Layout of a backup directory:
//!
//! ```text
//! BACKUP_DIR/
//!   index.json                      what was saved, and the resourceVersion after migrate's write
//!   001-deployment-shop-web.json    the object exactly as the API server returned it
//!   002-cronjob-batch-nightly.json
//! ```
//!
//! A rollback must know which objects migrate changed and which resourceVersion its own
//! write produced, to tell a later change by someone else from its own. Each write is
//! recorded as one line appended to `writes.jsonl` and synced before the next write, so the
//! cost of recording stays the same however many objects a run migrates (rewriting
//! `index.json` after every write made a run quadratic in disk bytes). When the run ends,
//! the records are folded into `index.json` (written whole, then renamed over the old one)
//! and the journal is removed; a run that was cut short leaves the journal, which
//! [`Backup::open`] reads back.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::explain::WorkloadKind;

pub(crate) const BACKUP_SCHEMA: &str = "kubectl-sandbox.dev/migrate-backup/v1";
const INDEX: &str = "index.json";
const JOURNAL: &str = "writes.jsonl";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub schema: String,
    /// The kubeconfig context the objects came from.
    pub context: String,
    pub created_at: String,
    pub objects: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// `Deployment`, `CronJob`... as the `kind` field spells it.
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// The file holding the original object, relative to the backup directory.
    pub file: String,
    /// The original's resourceVersion.
    pub resource_version: String,
    /// The resourceVersion migrate's own write produced; absent when it was not written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migrated_resource_version: Option<String>,
    /// The `metadata.generation` after migrate's write. Controllers write status (a new
    /// resourceVersion, the same generation) right after it; only a spec change moves this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migrated_generation: Option<i64>,
}

impl Entry {
    pub fn workload_kind(&self) -> Option<WorkloadKind> {
        WorkloadKind::from_kind(&self.kind)
    }

    pub fn label(&self) -> String {
        format!(
            "{}/{} in {}",
            self.kind.to_ascii_lowercase(),
            self.name,
            self.namespace
        )
    }
}

/// A backup on disk.
#[derive(Debug)]
pub struct Backup {
    dir: PathBuf,
    index: Index,
}

/// `kubectl-sandbox-backup-20261127T091403Z` in the current directory, from an RFC 3339 time.
pub(crate) fn default_dir(now: &str) -> PathBuf {
    let stamp: String = now
        .chars()
        .take(19)
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    PathBuf::from(format!("kubectl-sandbox-backup-{stamp}Z"))
}

impl Backup {
    /// Saves `objects` (each with its kind) under `dir`, which must not exist or be empty:
    /// a backup never overwrites another.
    pub fn create(
        dir: &Path,
        context: &str,
        created_at: &str,
        objects: &[(WorkloadKind, &Value)],
    ) -> Result<Backup, String> {
        let place =
            |e: std::io::Error| format!("cannot write the backup to {}: {e}", dir.display());
        if dir.exists() && fs::read_dir(dir).map_err(place)?.next().is_some() {
            return Err(format!(
                "the backup directory {} is not empty; name a new one with --backup-dir",
                dir.display()
            ));
        }
        fs::create_dir_all(dir).map_err(place)?;
        let mut entries = Vec::new();
        for (i, (kind, object)) in objects.iter().enumerate() {
            let text = |key: &str| {
                object["metadata"][key]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            };
            let (namespace, name) = (text("namespace"), text("name"));
            let file = format!(
                "{:03}-{}-{namespace}-{name}.json",
                i + 1,
                kind.name().to_ascii_lowercase()
            );
            write_synced(&dir.join(&file), &pretty(object)).map_err(place)?;
            entries.push(Entry {
                kind: kind.name().to_string(),
                namespace,
                name,
                file,
                resource_version: text("resourceVersion"),
                migrated_resource_version: None,
                migrated_generation: None,
            });
        }
        let backup = Backup {
            dir: dir.to_path_buf(),
            index: Index {
                schema: BACKUP_SCHEMA.to_string(),
                context: context.to_string(),
                created_at: created_at.to_string(),
                objects: entries,
            },
        };
        backup.save_index().map_err(place)?;
        // Made now, with the directory synced by save_index, so that appending to it never
        // needs the directory synced again.
        fs::File::create(dir.join(JOURNAL))
            .and_then(|_| fs::File::open(dir)?.sync_all())
            .map_err(place)?;
        Ok(backup)
    }

    pub fn open(dir: &Path) -> Result<Backup, String> {
        let path = dir.join(INDEX);
        let text = fs::read_to_string(&path).map_err(|e| {
            format!(
                "{} is not a migrate backup: cannot read {INDEX}: {e}",
                dir.display()
            )
        })?;
        let index: Index = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a migrate backup index: {e}", path.display()))?;
        if index.schema != BACKUP_SCHEMA {
            return Err(format!(
                "{}: backup schema {} is not {BACKUP_SCHEMA}",
                path.display(),
                index.schema
            ));
        }
        let mut backup = Backup {
            dir: dir.to_path_buf(),
            index,
        };
        backup.replay_journal()?;
        Ok(backup)
    }

    /// Applies the records of a run that did not reach [`Backup::seal`].
    fn replay_journal(&mut self) -> Result<(), String> {
        let path = self.dir.join(JOURNAL);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        // A crash can cut the last line short; every complete line was synced before the
        // write it records was made, so a cut line records a write that may not have happened.
        let complete = text.rsplit_once('\n').map_or("", |(lines, _)| lines);
        for (n, line) in complete.lines().enumerate() {
            let record: Record = serde_json::from_str(line)
                .map_err(|e| format!("{}:{}: not a write record: {e}", path.display(), n + 1))?;
            let entry = self.index.objects.get_mut(record.object).ok_or_else(|| {
                format!(
                    "{}:{}: object {} is not in {INDEX}",
                    path.display(),
                    n + 1,
                    record.object
                )
            })?;
            entry.migrated_resource_version = Some(record.resource_version);
            entry.migrated_generation = record.generation;
        }
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The saved original of entry `i`.
    pub fn original(&self, i: usize) -> Result<Value, String> {
        let entry = &self.index.objects[i];
        let path = self.dir.join(&entry.file);
        let text = fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))
    }

    /// Notes that entry `i` was changed, and the resourceVersion and generation the change
    /// produced: one line appended to the journal and synced.
    pub fn record_migrated(
        &mut self,
        i: usize,
        resource_version: &str,
        generation: Option<i64>,
    ) -> Result<(), String> {
        self.index.objects[i].migrated_resource_version = Some(resource_version.to_string());
        self.index.objects[i].migrated_generation = generation;
        let record = Record {
            object: i,
            resource_version: resource_version.to_string(),
            generation,
        };
        let mut line = serde_json::to_string(&record).expect("a record serialises");
        line.push('\n');
        let path = self.dir.join(JOURNAL);
        append_synced(&path, &line).map_err(|e| format!("cannot update {}: {e}", path.display()))
    }

    /// Folds the journal into `index.json` once the run's writes are over.
    pub fn seal(&self) -> Result<(), String> {
        let place =
            |e: std::io::Error| format!("cannot update {}: {e}", self.dir.join(INDEX).display());
        self.save_index().map_err(place)?;
        match fs::remove_file(self.dir.join(JOURNAL)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(place(e)),
            _ => Ok(()),
        }
    }

    /// Written beside the old index, synced, then renamed over it: a crash leaves either
    /// index whole.
    fn save_index(&self) -> std::io::Result<()> {
        let staged = self.dir.join(format!("{INDEX}.new"));
        write_synced(&staged, &pretty(&self.index))?;
        fs::rename(&staged, self.dir.join(INDEX))?;
        fs::File::open(&self.dir)?.sync_all()
    }
}

/// One line of the journal: entry `object` of the index was written by migrate.
#[derive(Serialize, Deserialize)]
struct Record {
    object: usize,
    resource_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    generation: Option<i64>,
}

fn pretty<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values serialise");
    text.push('\n');
    text
}

/// Written and flushed to disk before the first change to the cluster relies on it.
fn write_synced(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

fn append_synced(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new().append(true).open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_data()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_backup_round_trips_and_records_writes() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b");
        let object = json!({"kind": "Deployment", "metadata": {"name": "web", "namespace": "shop",
            "resourceVersion": "7"}, "spec": {"replicas": 2}});
        let mut backup = Backup::create(
            &target,
            "prod",
            "2026-11-27T09:14:03Z",
            &[(WorkloadKind::Deployment, &object)],
        )
        .unwrap();
        backup.record_migrated(0, "8", Some(2)).unwrap();
        backup.seal().unwrap();
        assert!(
            !target.join(JOURNAL).exists(),
            "sealed: the journal is folded in"
        );
        let opened = Backup::open(&target).unwrap();
        assert_eq!(
            opened.index().objects[0].file,
            "001-deployment-shop-web.json"
        );
        assert_eq!(opened.index().objects[0].resource_version, "7");
        assert_eq!(
            opened.index().objects[0]
                .migrated_resource_version
                .as_deref(),
            Some("8")
        );
        assert_eq!(opened.original(0).unwrap(), object);
        let again = Backup::create(&target, "prod", "now", &[]).unwrap_err();
        assert!(again.contains("not empty"), "{again}");
    }

    fn three_deployments(target: &Path) -> Backup {
        let objects: Vec<Value> = (1..=3)
            .map(|i| {
                json!({"kind": "Deployment", "metadata": {"name": format!("web-{i}"),
                    "namespace": "shop", "resourceVersion": i.to_string()}})
            })
            .collect();
        let pairs: Vec<(WorkloadKind, &Value)> = objects
            .iter()
            .map(|o| (WorkloadKind::Deployment, o))
            .collect();
        Backup::create(target, "prod", "2026-11-27T09:14:03Z", &pairs).unwrap()
    }

    #[test]
    fn recording_a_write_appends_and_leaves_the_index_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b");
        let mut backup = three_deployments(&target);
        let index_before = fs::read(target.join(INDEX)).unwrap();
        backup.record_migrated(0, "10", Some(2)).unwrap();
        let journal_after_one = fs::metadata(target.join(JOURNAL)).unwrap().len();
        backup.record_migrated(2, "12", Some(2)).unwrap();
        let journal_after_two = fs::metadata(target.join(JOURNAL)).unwrap().len();
        // The cost of a record does not grow with the run: the second line is no longer
        // than the first, and the index is not written again until the run is sealed.
        assert_eq!(journal_after_two, 2 * journal_after_one);
        assert_eq!(fs::read(target.join(INDEX)).unwrap(), index_before);
    }

    #[test]
    fn a_run_cut_short_is_read_back_from_its_journal() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b");
        let mut backup = three_deployments(&target);
        backup.record_migrated(1, "11", Some(2)).unwrap();
        // A crash in the middle of the next record leaves a cut line behind.
        let mut journal = fs::OpenOptions::new()
            .append(true)
            .open(target.join(JOURNAL))
            .unwrap();
        journal.write_all(br#"{"object":2,"resource_ver"#).unwrap();
        drop(journal);
        let opened = Backup::open(&target).unwrap();
        let versions: Vec<Option<&str>> = opened
            .index()
            .objects
            .iter()
            .map(|e| e.migrated_resource_version.as_deref())
            .collect();
        assert_eq!(versions, [None, Some("11"), None]);
    }

    #[test]
    fn a_journal_naming_an_unknown_object_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b");
        three_deployments(&target);
        fs::write(
            target.join(JOURNAL),
            "{\"object\":7,\"resource_version\":\"9\"}\n",
        )
        .unwrap();
        let refused = Backup::open(&target).unwrap_err();
        assert!(
            refused.contains("object 7 is not in index.json"),
            "{refused}"
        );
    }

    #[test]
    fn the_default_directory_is_timestamped() {
        assert_eq!(
            default_dir("2026-11-27T09:14:03.123Z"),
            PathBuf::from("kubectl-sandbox-backup-20261127T091403Z")
        );
    }
}
