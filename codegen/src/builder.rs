//! The `build.rs` entry point: a `&mut self` builder, a pure `generate()` and a `compile()`
//! that writes only when the output changed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::emit::{self, EmitOptions};
use crate::error::{Error, Result};
use crate::model::{self, Model};
use crate::names::{self, Names};
use crate::{ews, xsd};

/// Where the schemas come from.
#[derive(Debug, Clone)]
pub enum SchemaSource {
    /// A folder with `messages.xsd` (which imports `types.xsd`) and, where present,
    /// `services.wsdl`.
    Dir(PathBuf),
    /// Entry schema files (their imports are followed), and an optional WSDL.
    Files {
        /// Entry schema files.
        schemas: Vec<PathBuf>,
        /// A WSDL naming the operations.
        wsdl: Option<PathBuf>,
    },
}

/// Generates bindings; see the crate documentation.
#[derive(Debug, Clone)]
pub struct Builder {
    source: Option<SchemaSource>,
    out: Option<PathBuf>,
    file_name: String,
    operations: Option<Vec<String>>,
    optional: Vec<String>,
    since: Vec<(String, PathBuf)>,
    version_name: Option<String>,
    emit: EmitOptions,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

/// Output of a generation: the source and the files read.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Formatted Rust source.
    pub code: String,
    /// Every schema file read, imports included.
    pub files: Vec<PathBuf>,
    /// The resolved model.
    pub model: Model,
    /// The Rust names of the model.
    pub names: Names,
}

impl Builder {
    /// A builder with defaults: output into `OUT_DIR/ews_generated.rs`, runtime at `::ewsgen`.
    pub fn new() -> Self {
        Builder {
            source: None,
            out: None,
            file_name: "ews_generated.rs".into(),
            operations: None,
            optional: Vec::new(),
            since: Vec::new(),
            version_name: None,
            emit: EmitOptions::default(),
        }
    }

    /// Reads the schema set in `dir`.
    pub fn schema_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.source = Some(SchemaSource::Dir(dir.into()));
        self
    }

    /// Reads the given entry schema files (imports are followed) and an optional WSDL.
    pub fn schema_files(&mut self, schemas: Vec<PathBuf>, wsdl: Option<PathBuf>) -> &mut Self {
        self.source = Some(SchemaSource::Files { schemas, wsdl });
        self
    }

    /// Writes into `dir` instead of `OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out = Some(dir.into());
        self
    }

    /// The output file name inside the output folder (default `ews_generated.rs`).
    pub fn file_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.file_name = name.into();
        self
    }

    /// Path of the runtime crate in generated code (default `::ewsgen`).
    pub fn runtime_path(&mut self, path: impl Into<String>) -> &mut Self {
        self.emit.runtime = path.into();
        self
    }

    /// Whether to emit `Operation` impls (default true; needs the `ewsgen` runtime crate).
    pub fn emit_operations(&mut self, yes: bool) -> &mut Self {
        self.emit.operations = yes;
        self
    }

    /// Also emits a module `arbitrary` building random values of every type, for property
    /// tests: `impl Arbitrary for T` for every struct, group, choice, enumeration and union,
    /// and `ELEMENTS`, every global element with a function building a random one.
    ///
    /// The values come from the support module at `support_path` (written by the user of
    /// this option), which provides `trait Arbitrary { fn arbitrary(g: &mut Gen) -> Self; }`,
    /// a `struct Gen` with `below(n)`, `at_limit()`, `descend(f)`, `option(f)`,
    /// `vec(min, f)`, `non_empty_vec(min, f)`, `nillable(f)`, `bool()`, `string(&Facets)`,
    /// `language()`, `uri()`, `int(lo, hi)`, `float()`, `decimal()`, `date_time()`,
    /// `date()`, `time()`, `duration()`, `lexical()`, `bytes()`, `raw_element()` and
    /// `raw_named(ns, name)`, and a `struct Facets` with public fields `patterns`, `length`,
    /// `min_length`, `max_length`. The project's `tests/src/random.rs` is one.
    pub fn emit_arbitrary(&mut self, support_path: impl Into<String>) -> &mut Self {
        self.emit.arbitrary = Some(support_path.into());
        self
    }

    /// Keeps only these operations and the types they reach.
    pub fn operations<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, ops: I) -> &mut Self {
        self.operations = Some(ops.into_iter().map(Into::into).collect());
        self
    }

    /// Makes a required child element optional: `Type/Element`, such as
    /// `AddDistributionGroupToImListType/DisplayName` (the type may carry its prefix,
    /// `m:GetPersonaResponseMessageType/Persona`). For
    /// servers that leave out elements their schema requires; reading then gives `None`
    /// (or an empty list) instead of an error. Generation fails if the rule matches nothing.
    pub fn optional_element(&mut self, rule: impl Into<String>) -> &mut Self {
        self.optional.push(rule.into());
        self
    }

    /// Adds an older schema set (call oldest first). Each type, field and enumeration value
    /// of the generated set then carries a doc line `Since: <name>` naming the first set
    /// it appears in (nothing for what the oldest set already has), so users see what a
    /// server version supports.
    pub fn since_version(&mut self, name: impl Into<String>, dir: impl Into<PathBuf>) -> &mut Self {
        self.since.push((name.into(), dir.into()));
        self
    }

    /// The name of the generated set in `Since:` lines (default: its folder's name).
    pub fn version_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.version_name = Some(name.into());
        self
    }

    /// `Since:` doc lines of `model` against the older sets.
    fn since_docs(&self, model: &Model, names: &Names) -> Result<BTreeMap<String, String>> {
        let mut docs = BTreeMap::new();
        if self.since.is_empty() {
            return Ok(docs);
        }
        let mut older = Vec::new();
        for (name, dir) in &self.since {
            let (mut m, _) = Builder::new().schema_dir(dir).model()?;
            model::shape(&mut m);
            let n = names::name(&m);
            older.push((name.clone(), version_items(&m, &n)));
        }
        let current = self
            .version_name
            .clone()
            .unwrap_or_else(|| match &self.source {
                Some(SchemaSource::Dir(d)) => d
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "this version".into()),
                _ => "this version".into(),
            });
        for (key, sig) in version_keys(model, names) {
            let first = older.iter().position(|(_, items)| items.contains(&sig));
            let since = match first {
                Some(0) => continue,
                Some(i) => older[i].0.clone(),
                None => current.clone(),
            };
            docs.insert(key, format!("Since: {since}"));
        }
        Ok(docs)
    }

    fn entries(&self) -> Result<(Vec<PathBuf>, Option<PathBuf>)> {
        match &self.source {
            None => Err(Error::Config(
                "no schema given: call schema_dir or schema_files".into(),
            )),
            Some(SchemaSource::Dir(dir)) => {
                let messages = dir.join("messages.xsd");
                if !messages.is_file() {
                    return Err(Error::NoSchemas { dir: dir.clone() });
                }
                let wsdl = ["services.wsdl", "Services.wsdl"]
                    .iter()
                    .map(|n| dir.join(n))
                    .find(|p| p.is_file());
                Ok((vec![messages], wsdl))
            }
            Some(SchemaSource::Files { schemas, wsdl }) => Ok((schemas.clone(), wsdl.clone())),
        }
    }

    /// Reads and resolves the schemas, with the operations (from the WSDL, and the EWS
    /// request/response pairs it does not name), the optional-element rules and the
    /// operation filter applied.
    pub fn model(&self) -> Result<(Model, Vec<PathBuf>)> {
        let (entries, wsdl_path) = self.entries()?;
        let set = xsd::load(&entries)?;
        let mut files = set.files();
        let wsdl_ops = match &wsdl_path {
            Some(p) => {
                files.push(p.clone());
                Some(xsd::read_operations(p)?)
            }
            None => None,
        };
        let mut model = model::resolve(&set, wsdl_ops.clone())?;
        model.operations = ews::operations(&model, wsdl_ops);
        model::relax_required(&mut model, &self.optional)?;
        if let Some(filter) = &self.operations {
            self.check_operations(&model, filter, &entries)?;
            model = model::filter_operations(model, filter, ews::is_header)?;
        }
        Ok((model, files))
    }

    /// Every operation asked for is one the schemas declare; the error names those that are
    /// not, the schema folder and, for each, the nearest names the schemas have.
    fn check_operations(&self, model: &Model, asked: &[String], entries: &[PathBuf]) -> Result<()> {
        let declared: Vec<&str> = model.operations.iter().map(|o| o.name.as_str()).collect();
        let unknown: Vec<(String, Vec<String>)> = asked
            .iter()
            .filter(|a| !declared.contains(&a.as_str()))
            .map(|a| (a.clone(), nearest(a, &declared, 3)))
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let schemas = match &self.source {
            Some(SchemaSource::Dir(d)) => d.clone(),
            _ => entries.first().cloned().unwrap_or_default(),
        };
        Err(Error::UnknownOperations {
            schemas,
            unknown,
            declared: declared.len(),
        })
    }

    /// Generates the bindings and returns them, without writing anything.
    pub fn generate(&self) -> Result<Generated> {
        let (mut model, files) = self.model()?;
        model::shape(&mut model);
        let names = names::name(&model);
        let mut opts = self.emit.clone();
        opts.header = files
            .iter()
            .map(|f| {
                format!(
                    "from {}",
                    f.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                )
            })
            .collect();
        for (k, v) in self.since_docs(&model, &names)? {
            opts.extra_docs.entry(k).or_insert(v);
        }
        let code = emit::emit(&model, &names, &opts)?;
        Ok(Generated {
            code,
            files,
            model,
            names,
        })
    }

    /// Generates the bindings into the output folder, writing only when they changed, and
    /// prints `cargo:rerun-if-changed` for every schema file read.
    pub fn compile(&self) -> Result<PathBuf> {
        let g = self.generate()?;
        for f in &g.files {
            println!("cargo:rerun-if-changed={}", f.display());
        }
        let dir = match &self.out {
            Some(d) => d.clone(),
            None => PathBuf::from(
                std::env::var_os("OUT_DIR")
                    .ok_or_else(|| Error::Config("OUT_DIR is not set: call out_dir".into()))?,
            ),
        };
        let path = dir.join(&self.file_name);
        write_if_changed(&path, &g.code)?;
        Ok(path)
    }
}

impl Generated {
    /// Writes the code to `path` unless the file already holds exactly that; `true` when
    /// it wrote.
    pub fn write_if_changed(&self, path: &Path) -> Result<bool> {
        write_if_changed(path, &self.code)
    }
}

/// The `n` names of `candidates` nearest to `name` by edit distance (ignoring case), nearest
/// first, ties in alphabetical order.
fn nearest(name: &str, candidates: &[&str], n: usize) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), *c))
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(n)
        .map(|(_, c)| c.to_string())
        .collect()
}

/// Levenshtein distance: the fewest insertions, deletions and substitutions of characters
/// turning `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Writes `content` to `path` unless the file already holds exactly that.
fn write_if_changed(path: &Path, content: &str) -> Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
        return Ok(false);
    }
    std::fs::write(path, content).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    Ok(true)
}

/// The versioned items of a model, by XML Schema names: `type`, `type/element`,
/// `type/@attribute`, `type=value`.
fn version_items(m: &Model, n: &Names) -> BTreeSet<String> {
    version_keys(m, n).into_iter().map(|(_, sig)| sig).collect()
}

/// Each versioned item of a model: its documentation key in the generated code (`Type`,
/// `Type.field`, `Type::Variant`) and its XML Schema signature.
fn version_keys(m: &Model, n: &Names) -> Vec<(String, String)> {
    use crate::model::{FieldKind, TypeKind};
    let mut out = Vec::new();
    for t in m.types.values() {
        let Some(q) = &t.xml_name else { continue };
        let ty = n.ty(&t.key);
        let tsig = format!("{{{}}}{}", q.ns, q.name);
        out.push((ty.to_string(), tsig.clone()));
        match &t.kind {
            TypeKind::Struct(s) => {
                for (a, an) in s.attrs.iter().zip(&n.attrs[&t.key]) {
                    out.push((format!("{ty}.{an}"), format!("{tsig}/@{}", a.qname.name)));
                }
                for (f, fname) in s.fields.iter().zip(&n.fields[&t.key]) {
                    if let FieldKind::Element { qname, .. } = &f.kind {
                        out.push((
                            format!("{ty}.{fname}"),
                            format!("{tsig}/{{{}}}{}", qname.ns, qname.name),
                        ));
                    }
                }
            }
            TypeKind::Enum { values, .. } => {
                for ((v, _), vn) in values.iter().zip(&n.enum_variants[&t.key].0) {
                    out.push((format!("{ty}::{vn}"), format!("{tsig}={v}")));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("finditem", "finditem"), 0);
        assert_eq!(edit_distance("finditems", "finditem"), 1);
    }

    #[test]
    fn nearest_names_first_ties_alphabetical() {
        let names = [
            "GetItem",
            "FindItem",
            "FindFolder",
            "FindPeople",
            "GetFolder",
        ];
        assert_eq!(nearest("finditems", &names, 2), ["FindItem", "GetItem"]);
        assert_eq!(nearest("GetFolders", &names, 1), ["GetFolder"]);
    }
}
