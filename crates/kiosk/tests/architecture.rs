//! The architecture as the code has it, checked: no crate's rooms import each other in a
//! circle, the domain does no I/O, and `docs/architecture.md`'s module map names every source
//! file of the workspace and no file that is not there. A reshaping that breaks one of these
//! fails here, not in a newcomer's head.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The workspace's root, two floors above this crate.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The source folders of the workspace's crates, from the root.
const SOURCES: &[&str] = &[
    "crates/nexudus/src",
    "crates/nexudus-sim/src",
    "crates/kiosk/src",
    "crates/kiosk-boot/src",
    "crates/kiosk-web/src",
    "src-tauri/src",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's room: the first folder or file under `src` (`sync/push.rs` is in `sync`,
/// `calls.rs` is `calls`); the crate's root file is no room.
fn room_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let room = first.trim_end_matches(".rs");
    (!matches!(room, "lib" | "main")).then(|| room.to_owned())
}

/// The rooms each room imports (`crate::room` anywhere in its files, tests included).
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let rooms: BTreeSet<String> = files.iter().filter_map(|f| room_of(src, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(from) = room_of(src, file) else {
            continue;
        };
        let text = fs::read_to_string(file).unwrap();
        let targets = graph.entry(from.clone()).or_default();
        for (at, _) in text.match_indices("crate::") {
            let name: String = text[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name != from && rooms.contains(&name) {
                targets.insert(name);
            }
        }
    }
    graph
}

/// Every circle of `graph`, each as the path that closes it.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_owned());
            found.push(circle);
            return;
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done, found);
        }
        path.pop();
        done.insert(node.to_owned());
    }
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, graph, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

#[test]
fn a_circle_between_two_rooms_is_found() {
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["b"]), ("b", vec!["a"]), ("c", vec!["a"])]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
            .collect();
    assert_eq!(circles(&graph), vec![vec!["a", "b", "a"]]);
}

#[test]
fn no_crate_has_rooms_that_import_each_other_in_a_circle() {
    for src in SOURCES {
        let graph = imports(&root().join(src));
        if matches!(*src, "crates/kiosk/src" | "crates/nexudus-sim/src") {
            assert!(graph.len() > 5, "{src}: its rooms were read");
        }
        assert_eq!(circles(&graph), Vec::<Vec<String>>::new(), "{src}");
    }
}

#[test]
fn the_domain_does_no_io_and_imports_only_itself_and_the_errors() {
    let domain = root().join("crates/kiosk/src/domain");
    let mut files = Vec::new();
    rust_files(&domain, &mut files);
    assert!(files.len() > 5, "the domain's files were read");
    // What does I/O, or reaches what does: the store, the engine, the services, the network,
    // files, tasks.
    let forbidden = [
        "crate::store",
        "crate::sync",
        "crate::services",
        "crate::shared",
        "crate::calls",
        "crate::doctor",
        "crate::secrets",
        "crate::config",
        "rusqlite",
        "tokio",
        "std::fs",
        "std::net",
        "reqwest",
        "nexudus::Client",
    ];
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for word in forbidden {
            assert!(
                !text.contains(word),
                "{} uses {word}: the domain does no I/O",
                file.display()
            );
        }
    }
}

/// The `.rs` paths the architecture document names in backticks, and those its module map
/// (the section headed "Module map") names.
fn named_in_doc() -> (BTreeSet<String>, BTreeSet<String>) {
    let doc = fs::read_to_string(root().join("docs/architecture.md")).unwrap();
    let paths = |text: &str| -> BTreeSet<String> {
        text.split('`')
            .skip(1)
            .step_by(2)
            .filter(|t| {
                Path::new(t).extension().is_some_and(|e| e == "rs")
                    && t.contains('/')
                    && t.chars().all(|c| c.is_alphanumeric() || "/_-.".contains(c))
            })
            .map(str::to_owned)
            .collect()
    };
    let start = doc
        .find("\n## Module map")
        .expect("docs/architecture.md has a section headed \"Module map\"");
    let rest = &doc[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    (paths(&doc), paths(&rest[..end]))
}

#[test]
fn the_architecture_doc_s_module_map_names_every_source_file_and_no_other() {
    let (anywhere, map) = named_in_doc();
    let mut files = Vec::new();
    for src in SOURCES {
        rust_files(&root().join(src), &mut files);
    }
    let root = root().canonicalize().unwrap();
    // A module's tests sit in `<module>/tests.rs` (CONTRIBUTING.md): the map names the module.
    let present: BTreeSet<String> = files
        .iter()
        .filter(|f| f.file_name().is_some_and(|n| n != "tests.rs"))
        .map(|f| {
            let f = f.canonicalize().unwrap();
            f.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let missing: Vec<_> = present.difference(&map).collect();
    assert!(missing.is_empty(), "the module map misses {missing:?}");
    // Paths from the repository's root; a path inside a crate (`services/fixture.rs`) is prose.
    let gone: Vec<_> = anywhere
        .iter()
        .filter(|p| {
            ["crates/", "src-tauri/", "tests/"]
                .iter()
                .any(|r| p.starts_with(r))
        })
        .filter(|p| !root.join(p).is_file())
        .collect();
    assert!(
        gone.is_empty(),
        "docs/architecture.md names files that are not there: {gone:?}"
    );
}
