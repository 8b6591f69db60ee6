//! Where manifests come from: files, directories (`-R` to descend), and `-` for stdin.
//! The only IO in the manifest module.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::objects::map_objects;
use super::{InputError, ManifestObject};

/// Everything read from `-f` arguments: the objects of the files that parsed (or what was
/// made of each, with [`read_sources_with`]), and one error per file that did not. One bad
/// file does not stop the others.
#[derive(Debug)]
pub(crate) struct ManifestSet<T = ManifestObject> {
    pub objects: Vec<T>,
    pub errors: Vec<InputError>,
}

impl<T> Default for ManifestSet<T> {
    fn default() -> Self {
        ManifestSet {
            objects: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// The extensions kubectl reads from a directory.
const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// The text of one input, as it was parsed: `-` for stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceText {
    pub file: String,
    pub text: String,
}

/// Reads every `-f` argument in order. `stdin` is read at most once, for `-`. Each
/// input's text comes back too, for callers that edit it (`migrate -f -o yaml`): the
/// text that was parsed, not a second read that could differ.
pub(crate) fn read_sources(
    paths: &[PathBuf],
    recursive: bool,
    stdin: &mut dyn Read,
) -> (ManifestSet, Vec<SourceText>) {
    let mut set = ManifestSet::default();
    let mut texts = Vec::new();
    for_each_source(paths, recursive, stdin, |file, text| match text {
        Ok(text) => {
            add_text(&mut set, file, &text, &|object| object);
            texts.push(SourceText {
                file: file.to_string(),
                text,
            });
        }
        Err(error) => set.errors.push(error),
    });
    (set, texts)
}

/// Like [`read_sources`], but each object is handed to `work` as soon as it is read (see
/// [`map_objects`]), so a large manifest is never held whole.
pub(crate) fn read_sources_with<T: Send>(
    paths: &[PathBuf],
    recursive: bool,
    stdin: &mut dyn Read,
    work: impl Fn(ManifestObject) -> T + Sync,
) -> ManifestSet<T> {
    let mut set = ManifestSet::default();
    for_each_source(paths, recursive, stdin, |file, text| match text {
        Ok(text) => add_text(&mut set, file, &text, &work),
        Err(error) => set.errors.push(error),
    });
    set
}

/// Hands each input's name and text to `visit`, in order, or the error that says why it
/// could not be read; one unreadable input does not stop the others.
fn for_each_source(
    paths: &[PathBuf],
    recursive: bool,
    stdin: &mut dyn Read,
    mut visit: impl FnMut(&str, Result<String, InputError>),
) {
    let mut stdin_read = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_read {
                continue;
            }
            stdin_read = true;
            let mut text = String::new();
            match stdin.read_to_string(&mut text) {
                Ok(_) => visit("-", Ok(text)),
                Err(e) => visit(
                    "-",
                    Err(InputError::new("-", format!("cannot read stdin: {e}"))),
                ),
            }
            continue;
        }
        if path.is_dir() {
            let mut files = Vec::new();
            if let Err(e) = collect_dir(path, recursive, &mut files) {
                let name = path.display().to_string();
                visit(&name, Err(InputError::new(&name, e)));
            }
            files.sort();
            for file in files {
                read_file(&file, &mut visit);
            }
        } else {
            read_file(path, &mut visit);
        }
    }
}

fn collect_dir(dir: &Path, recursive: bool, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read directory: {e}"))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read directory: {e}"))?
            .path();
        if path.is_dir() {
            if recursive {
                collect_dir(&path, recursive, files)?;
            }
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            files.push(path);
        }
    }
    Ok(())
}

fn read_file(path: &Path, visit: &mut impl FnMut(&str, Result<String, InputError>)) {
    let name = path.display().to_string();
    let text =
        fs::read_to_string(path).map_err(|e| InputError::new(&name, format!("cannot read: {e}")));
    visit(&name, text);
}

fn add_text<T: Send>(
    set: &mut ManifestSet<T>,
    name: &str,
    text: &str,
    work: &(impl Fn(ManifestObject) -> T + Sync),
) {
    match map_objects(name, text, work) {
        Ok(objects) => set.objects.extend(objects),
        Err(e) => set.errors.push(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn directories_recursion_and_stdin() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.yaml", "kind: Pod\nmetadata: {name: a}\n");
        write(dir.path(), "notes.txt", "kind: Pod\n");
        write(
            dir.path(),
            "sub/b.json",
            "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"b\"}}",
        );
        let mut stdin = "kind: Pod\nmetadata: {name: s}\n".as_bytes();

        let (flat, _) = read_sources(&[dir.path().to_path_buf()], false, &mut stdin);
        assert_eq!(
            flat.objects.len(),
            1,
            "no recursion without -R, .txt skipped"
        );

        let (deep, texts) = read_sources(&[dir.path().to_path_buf(), "-".into()], true, &mut stdin);
        let names: Vec<&str> = deep
            .objects
            .iter()
            .map(|o| o.value["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["a", "b", "s"]);
        assert_eq!(deep.objects[2].file, "-");
        assert_eq!(texts.len(), 3, "one text per input read");
        assert_eq!(texts[2].text, "kind: Pod\nmetadata: {name: s}\n");
    }

    #[test]
    fn a_bad_file_does_not_stop_the_others() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "1-bad.yaml", "kind: [\n");
        write(
            dir.path(),
            "2-good.yaml",
            "kind: Pod\nmetadata: {name: ok}\n",
        );
        let missing = dir.path().join("missing.yaml");
        let (set, _) = read_sources(
            &[dir.path().to_path_buf(), missing],
            false,
            &mut std::io::empty(),
        );
        assert_eq!(set.objects.len(), 1);
        assert_eq!(set.errors.len(), 2);
        assert!(set.errors[0].file.ends_with("1-bad.yaml") && set.errors[0].line.is_some());
        assert!(set.errors[1].message.starts_with("cannot read"));
    }
}
