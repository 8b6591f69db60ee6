//! Where manifests come from: files, directories (`-R` to descend), and `-` for stdin.
//! The only IO in the manifest module.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::batches::BatchReader;
use super::objects::{ObjectReader, STREAM_BATCH_BYTES, parse_objects};
use super::{InputError, ManifestObject};

/// Everything read from `-f` arguments: the objects of the files that parsed (or what was
/// made of each), and one error per file that did not. One bad
/// file does not stop the others.
#[derive(Debug, Default)]
pub(crate) struct ManifestSet {
    pub objects: Vec<ManifestObject>,
    pub errors: Vec<InputError>,
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
            match parse_objects(file, &text) {
                Ok(objects) => set.objects.extend(objects),
                Err(error) => set.errors.push(error),
            }
            texts.push(SourceText {
                file: file.to_string(),
                text,
            });
        }
        Err(error) => set.errors.push(error),
    });
    (set, texts)
}

/// Reads every `-f` argument a bounded batch of documents at a time and hands what `work`
/// makes of each object to `emit`, in order, as each batch is done: the input is never
/// held whole, nor are the results. Returns the inputs that could not be read or parsed;
/// a file that fails part way keeps the objects emitted before the failing batch.
pub(crate) fn stream_sources<T: Send>(
    paths: &[PathBuf],
    recursive: bool,
    stdin: &mut dyn Read,
    work: impl Fn(ManifestObject) -> T + Sync,
    mut emit: impl FnMut(T),
) -> Vec<InputError> {
    let mut errors = Vec::new();
    for_each_input(paths, recursive, stdin, |file, input| {
        let result = input
            .and_then(|input| stream_objects(file, input, STREAM_BATCH_BYTES, &work, &mut emit));
        if let Err(error) = result {
            errors.push(error);
        }
    });
    errors
}

/// One input's objects, a batch of about `batch_bytes` at a time.
fn stream_objects<T: Send>(
    file: &str,
    input: Box<dyn BufRead + '_>,
    batch_bytes: usize,
    work: &(impl Fn(ManifestObject) -> T + Sync),
    emit: &mut impl FnMut(T),
) -> Result<(), InputError> {
    let mut batches = BatchReader::new(input, batch_bytes);
    let mut objects = ObjectReader::new(file);
    let cannot_read = |e: std::io::Error| InputError::new(file, read_error(file, &e));
    while let Some(batch) = batches.next_batch().map_err(cannot_read)? {
        objects
            .map_batch(&batch, work)?
            .into_iter()
            .for_each(&mut *emit);
    }
    Ok(())
}

/// Why an input could not be read, as the whole-file reader says it.
fn read_error(file: &str, e: &std::io::Error) -> String {
    if file == "-" {
        format!("cannot read stdin: {e}")
    } else {
        format!("cannot read: {e}")
    }
}

/// Hands each input's name and text to `visit`, in order, or the error that says why it
/// could not be read; one unreadable input does not stop the others.
fn for_each_source(
    paths: &[PathBuf],
    recursive: bool,
    stdin: &mut dyn Read,
    mut visit: impl FnMut(&str, Result<String, InputError>),
) {
    for_each_input(paths, recursive, stdin, |file, input| {
        let text = input.and_then(|mut input| {
            let mut text = String::new();
            input
                .read_to_string(&mut text)
                .map(|_| text)
                .map_err(|e| InputError::new(file, read_error(file, &e)))
        });
        visit(file, text);
    });
}

/// Hands each input's name and an open reader to `visit`, in order, or the error that
/// says why it could not be opened; one unreadable input does not stop the others.
fn for_each_input(
    paths: &[PathBuf],
    recursive: bool,
    stdin: &mut dyn Read,
    mut visit: impl FnMut(&str, Result<Box<dyn BufRead + '_>, InputError>),
) {
    let mut stdin_read = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_read {
                continue;
            }
            stdin_read = true;
            visit("-", Ok(Box::new(BufReader::new(&mut *stdin))));
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
                open_file(&file, &mut visit);
            }
        } else {
            open_file(path, &mut visit);
        }
    }
}

/// The manifest files (`EXTENSIONS`) in `dir`, and in its subdirectories when `recursive`.
pub(super) fn collect_dir(
    dir: &Path,
    recursive: bool,
    files: &mut Vec<PathBuf>,
) -> Result<(), String> {
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

fn open_file<'s>(
    path: &Path,
    visit: &mut impl FnMut(&str, Result<Box<dyn BufRead + 's>, InputError>),
) {
    let name = path.display().to_string();
    let file = fs::File::open(path)
        .map(|file| Box::new(BufReader::new(file)) as Box<dyn BufRead>)
        .map_err(|e| InputError::new(&name, read_error(&name, &e)));
    visit(&name, file);
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

    /// Counts the bytes handed out, for tests that ask how much was read when.
    struct Counted<'a> {
        text: &'a [u8],
        read: &'a std::cell::Cell<usize>,
    }

    impl Read for Counted<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.text.read(buf)?;
            self.read.set(self.read.get() + n);
            Ok(n)
        }
    }

    #[test]
    fn objects_are_emitted_before_the_input_ends_and_numbered_as_one_stream() {
        let text: String = (0..2000)
            .map(|i| format!("---\nkind: Pod\nmetadata:\n  name: p{i}\n"))
            .collect();
        let read = std::cell::Cell::new(0);
        let input = Counted {
            text: text.as_bytes(),
            read: &read,
        };
        let mut seen = Vec::new();
        stream_objects(
            "f.yaml",
            Box::new(BufReader::new(input)),
            1024,
            &|object| (object.document, object.line()),
            &mut |item| seen.push((item, read.get())),
        )
        .unwrap();
        assert_eq!(seen.len(), 2000);
        assert_eq!(
            seen[1999].0,
            (1999, 1999 * 4 + 2),
            "lines count across batches"
        );
        let (_, read_at_first) = seen[0];
        assert!(
            read_at_first < text.len() / 4,
            "the first object came after {read_at_first} of {} bytes",
            text.len()
        );
    }

    #[test]
    fn streaming_reads_what_the_whole_file_reader_reads() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.yaml",
            "kind: Pod\nmetadata: {name: a}\n---\nkind: List\nitems: [{kind: Pod, metadata: {name: b}}]\n",
        );
        write(dir.path(), "b.yaml", "kind: [\n");
        let paths = [dir.path().to_path_buf(), dir.path().join("missing.yaml")];
        let (whole, _) = read_sources(&paths, false, &mut std::io::empty());
        let mut streamed = Vec::new();
        let errors = stream_sources(
            &paths,
            false,
            &mut std::io::empty(),
            |o| o,
            |o| streamed.push(o),
        );
        assert_eq!(streamed, whole.objects);
        assert_eq!(errors, whole.errors);
    }
}
