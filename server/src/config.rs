//! `amplint.toml`: per-rule severity, include/exclude globs and project facts, found by
//! walking up from each checked file (the nearest wins).
//!
//! ```toml
//! [project]
//! has-define-auth = true
//! [files]
//! include = ["amplify/**/*.ts"]
//! exclude = ["**/generated/**"]
//! [rules]
//! relational-auth-redaction = "off"
//! swapped-reference-names = "error"
//! ```
//!
//! Shared by the command line and the language server: no CLI types here. Problems in the
//! file are [`ConfigError`]s that point into it (rendered by miette).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use amplint_rules::{Settings, Severity};
use globset::{Glob, GlobSet, GlobSetBuilder};
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// The configuration file's name.
pub const FILE_NAME: &str = "amplint.toml";

const TOP_KEYS: &[&str] = &["project", "files", "rules"];
const PROJECT_KEYS: &[&str] = &["has-define-auth"];
const FILES_KEYS: &[&str] = &["include", "exclude"];
const SEVERITIES: &[&str] = &["off", "hint", "info", "warning", "error"];

/// One `amplint.toml`, read and checked.
#[derive(Debug)]
pub struct LoadedConfig {
    /// The file itself.
    pub path: PathBuf,
    /// Its directory: include/exclude globs are relative to it.
    pub directory: PathBuf,
    settings: Settings,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

impl LoadedConfig {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<LoadedConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| {
            ConfigError(Arc::new(ConfigProblem {
                path: path.to_path_buf(),
                source: NamedSource::new(shown_path(path), Arc::from("")),
                message: format!("cannot read {}: {error}", path.display()),
                span: None,
                label: String::new(),
                help: None,
            }))
        })?;
        LoadedConfig::parse(path, &text)
    }

    /// Checks `text` as the content of the file at `path`.
    pub fn parse(path: &Path, text: &str) -> Result<LoadedConfig, ConfigError> {
        let shared: Arc<str> = Arc::from(text);
        let error = |span: Option<std::ops::Range<usize>>,
                     message: String,
                     label: &str,
                     help: Option<String>| {
            ConfigError(Arc::new(ConfigProblem {
                path: path.to_path_buf(),
                source: NamedSource::new(shown_path(path), shared.clone()),
                message,
                span,
                label: label.to_string(),
                help,
            }))
        };
        let table = DeTable::parse(text).map_err(|problem| {
            error(
                problem.span(),
                "not valid TOML".to_string(),
                problem.message().trim(),
                None,
            )
        })?;
        let directory = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let mut loaded = LoadedConfig {
            path: path.to_path_buf(),
            directory,
            settings: Settings::default(),
            include: None,
            exclude: None,
        };
        for (key, value) in table.get_ref() {
            let name = key.get_ref().as_ref();
            let section = match name {
                "project" | "files" | "rules" => expect_table(value).ok_or_else(|| {
                    error(
                        Some(value.span()),
                        format!("`{name}` must be a table"),
                        "expected a table",
                        Some(format!("write it as a section: `[{name}]`")),
                    )
                })?,
                _ => {
                    return Err(unknown_key(&error, key, TOP_KEYS, "a section"));
                }
            };
            for (entry, entry_value) in section {
                let entry_name = entry.get_ref().as_ref();
                match name {
                    "project" => match entry_name {
                        "has-define-auth" => match entry_value.get_ref() {
                            DeValue::Boolean(yes) => loaded.settings.has_define_auth = Some(*yes),
                            _ => {
                                return Err(error(
                                    Some(entry_value.span()),
                                    "`has-define-auth` must be `true` or `false`".to_string(),
                                    "expected a boolean",
                                    Some("whether the project calls `defineAuth` (amplify/auth/resource.ts); it decides which authorization modes `defineData` enables by default".to_string()),
                                ))
                            }
                        },
                        _ => return Err(unknown_key(&error, entry, PROJECT_KEYS, "a [project] key")),
                    },
                    "files" => {
                        if !FILES_KEYS.contains(&entry_name) {
                            return Err(unknown_key(&error, entry, FILES_KEYS, "a [files] key"));
                        }
                        let set = glob_set(entry_value, &error)?;
                        if entry_name == "include" {
                            loaded.include = Some(set);
                        } else {
                            loaded.exclude = Some(set);
                        }
                    }
                    _ => {
                        let rule_names = amplint_rules::all_rules().iter().map(|rule| rule.meta.name);
                        if amplint_rules::rule(entry_name).is_none() {
                            let help = match amplint_rules::suggest::did_you_mean(entry_name, rule_names) {
                                Some(close) => format!("did you mean `{close}`? `amplint rule` lists every rule"),
                                None => "`amplint rule` lists every rule".to_string(),
                            };
                            return Err(error(
                                Some(entry.span()),
                                format!("unknown rule `{entry_name}`"),
                                "not a rule",
                                Some(help),
                            ));
                        }
                        let severity = match entry_value.get_ref() {
                            DeValue::String(text) => parse_severity(text),
                            _ => None,
                        };
                        let Some(severity) = severity else {
                            let written = match entry_value.get_ref() {
                                DeValue::String(text) => text.to_string(),
                                _ => String::new(),
                            };
                            let help = match amplint_rules::suggest::did_you_mean(&written, SEVERITIES.iter().copied()) {
                                Some(close) => format!("did you mean \"{close}\"? one of \"off\", \"hint\", \"info\", \"warning\", \"error\""),
                                None => "one of \"off\", \"hint\", \"info\", \"warning\", \"error\"".to_string(),
                            };
                            return Err(error(
                                Some(entry_value.span()),
                                format!("invalid severity for `{entry_name}`"),
                                "not a severity",
                                Some(help),
                            ));
                        };
                        loaded.settings.rule_severity.insert(entry_name.to_string(), severity);
                    }
                }
            }
        }
        Ok(loaded)
    }

    /// The engine settings this file asks for.
    pub fn settings(&self) -> Settings {
        self.settings.clone()
    }

    /// The engine settings, borrowed.
    pub fn settings_ref(&self) -> &Settings {
        &self.settings
    }

    /// Whether the include/exclude globs let `path` be checked: it must match an
    /// `include` glob (when there are any) and no `exclude` glob, both relative to the
    /// file's directory. A path outside that directory is matched as given.
    pub fn is_included(&self, path: &Path) -> bool {
        let absolute = absolute(path);
        let relative = absolute
            .strip_prefix(absolute_directory(&self.directory))
            .unwrap_or(&absolute);
        if let Some(include) = &self.include {
            if !include.is_match(relative) {
                return false;
            }
        }
        !self
            .exclude
            .as_ref()
            .is_some_and(|exclude| exclude.is_match(relative))
    }
}

/// The path as shown in messages: relative to the working directory when below it.
fn shown_path(path: &Path) -> String {
    crate::cli::discover::display_relative(path, std::env::current_dir().ok().as_deref())
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn absolute_directory(path: &Path) -> PathBuf {
    absolute(path)
}

fn parse_severity(text: &str) -> Option<Option<Severity>> {
    match text {
        "off" => Some(None),
        other => other.parse::<Severity>().ok().map(Some),
    }
}

fn expect_table<'a, 'i>(value: &'a Spanned<DeValue<'i>>) -> Option<&'a DeTable<'i>> {
    match value.get_ref() {
        DeValue::Table(table) => Some(table),
        _ => None,
    }
}

type MakeError<'e> =
    dyn Fn(Option<std::ops::Range<usize>>, String, &str, Option<String>) -> ConfigError + 'e;

fn unknown_key(
    error: &MakeError,
    key: &Spanned<std::borrow::Cow<'_, str>>,
    known: &[&str],
    what: &str,
) -> ConfigError {
    let name = key.get_ref().as_ref();
    let list = known
        .iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let help = match amplint_rules::suggest::did_you_mean(name, known.iter().copied()) {
        Some(close) => format!("did you mean `{close}`? known: {list}"),
        None => format!("known: {list}"),
    };
    error(
        Some(key.span()),
        format!("unknown key `{name}`"),
        &format!("not {what}"),
        Some(help),
    )
}

fn glob_set(value: &Spanned<DeValue>, error: &MakeError) -> Result<GlobSet, ConfigError> {
    let DeValue::Array(items) = value.get_ref() else {
        return Err(error(
            Some(value.span()),
            "expected a list of glob patterns".to_string(),
            "expected a list",
            Some("for example `[\"amplify/**/*.ts\"]`".to_string()),
        ));
    };
    let mut builder = GlobSetBuilder::new();
    for item in items.iter() {
        let DeValue::String(pattern) = item.get_ref() else {
            return Err(error(
                Some(item.span()),
                "expected a glob pattern (a string)".to_string(),
                "not a string",
                None,
            ));
        };
        let glob = Glob::new(pattern.trim_start_matches("./")).map_err(|problem| {
            error(
                Some(item.span()),
                "invalid glob pattern".to_string(),
                &problem.kind().to_string(),
                None,
            )
        })?;
        builder.add(glob);
    }
    builder.build().map_err(|problem| {
        error(
            Some(value.span()),
            "invalid glob patterns".to_string(),
            &problem.to_string(),
            None,
        )
    })
}

/// A problem in an `amplint.toml`, pointing into the file. Cheap to clone; its details
/// are read through `Deref` ([`ConfigProblem`]).
#[derive(Clone)]
pub struct ConfigError(Arc<ConfigProblem>);

/// The details of a [`ConfigError`].
pub struct ConfigProblem {
    pub path: PathBuf,
    source: NamedSource<Arc<str>>,
    pub message: String,
    /// Byte range in the file.
    pub span: Option<std::ops::Range<usize>>,
    pub label: String,
    pub help: Option<String>,
}

impl std::ops::Deref for ConfigError {
    type Target = ConfigProblem;
    fn deref(&self) -> &ConfigProblem {
        &self.0
    }
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigError")
            .field("path", &self.path)
            .field("message", &self.message)
            .field("span", &self.span)
            .finish()
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", shown_path(&self.path), self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("amplint::config"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.span.as_ref()?;
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        let length = span.end.saturating_sub(span.start);
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(self.label.clone()),
            span.start,
            length,
        ))))
    }
}

impl ConfigError {
    /// As a miette report (what the command line prints).
    pub fn report(&self) -> miette::Report {
        miette::Report::new(self.clone())
    }
}

/// Finds and caches `amplint.toml` files by directory, so that checking many files reads
/// each configuration once. Shareable between threads.
#[derive(Default)]
pub struct Config {
    by_directory: Mutex<HashMap<PathBuf, Discovered>>,
}

type Discovered = Result<Option<Arc<LoadedConfig>>, ConfigError>;

impl Config {
    pub fn new() -> Config {
        Config::default()
    }

    /// The nearest `amplint.toml` at or above the directory of `path` (or `path` itself
    /// when it is a directory).
    pub fn discover_for(&self, path: &Path) -> Result<Option<Arc<LoadedConfig>>, miette::Report> {
        self.discover(path).map_err(|error| error.report())
    }

    /// Like [`Config::discover_for`] with the error as a [`ConfigError`] (for a language
    /// server turning it into a diagnostic of the file).
    pub fn discover(&self, path: &Path) -> Result<Option<Arc<LoadedConfig>>, ConfigError> {
        let absolute = absolute(path);
        let start = if absolute.is_dir() {
            absolute.as_path()
        } else {
            absolute.parent().unwrap_or(Path::new("/"))
        };
        let mut visited: Vec<&Path> = Vec::new();
        let mut directory = Some(start);
        let found: Discovered = loop {
            let Some(current) = directory else {
                break Ok(None);
            };
            if let Some(cached) = self.cached(current) {
                break cached;
            }
            visited.push(current);
            let candidate = current.join(FILE_NAME);
            if candidate.is_file() {
                break LoadedConfig::load(&candidate).map(|loaded| Some(Arc::new(loaded)));
            }
            directory = current.parent();
        };
        let mut cache = self
            .by_directory
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for directory in visited {
            cache.insert(directory.to_path_buf(), found.clone());
        }
        found
    }

    /// Forgets every cached file (a language server calls it when an `amplint.toml` changes).
    pub fn clear(&self) {
        self.by_directory
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    fn cached(&self, directory: &Path) -> Option<Discovered> {
        self.by_directory
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(directory)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<LoadedConfig, ConfigError> {
        LoadedConfig::parse(Path::new("/project/amplint.toml"), text)
    }

    #[test]
    fn reads_every_section() {
        let loaded = parse(
            "[project]\nhas-define-auth = true\n[files]\ninclude = [\"amplify/**/*.ts\"]\nexclude = [\"**/generated/**\"]\n[rules]\npublic-auth = \"off\"\nswapped-reference-names = \"warning\"\n",
        )
        .unwrap();
        let settings = loaded.settings();
        assert_eq!(settings.has_define_auth, Some(true));
        assert_eq!(settings.rule_severity.get("public-auth"), Some(&None));
        assert_eq!(
            settings.rule_severity.get("swapped-reference-names"),
            Some(&Some(Severity::Warning))
        );
        assert!(loaded.is_included(Path::new("/project/amplify/data/resource.ts")));
        assert!(!loaded.is_included(Path::new("/project/amplify/generated/x.ts")));
        assert!(!loaded.is_included(Path::new("/project/src/other.ts")));
    }

    #[test]
    fn unknown_names_point_into_the_file() {
        let text = "[rules]\npublic-auht = \"off\"\n";
        let error = parse(text).unwrap_err();
        assert_eq!(&text[error.span.clone().unwrap()], "public-auht");
        assert!(error
            .help
            .as_deref()
            .unwrap()
            .contains("did you mean `public-auth`"));
        let error = parse("[project]\nhas-define-aut = true\n").unwrap_err();
        assert!(error.help.as_deref().unwrap().contains("`has-define-auth`"));
        let error = parse("[rule]\n").unwrap_err();
        assert!(error
            .help
            .as_deref()
            .unwrap()
            .contains("did you mean `rules`"));
        let error = parse("[rules]\npublic-auth = \"eror\"\n").unwrap_err();
        assert!(error
            .help
            .as_deref()
            .unwrap()
            .contains("did you mean \"error\""));
        assert!(parse("[rules\n").is_err());
    }

    #[test]
    fn discovery_finds_the_nearest_file_and_caches_it() {
        let project = tempfile::tempdir().unwrap();
        let root = project.path();
        std::fs::create_dir_all(root.join("amplify/data")).unwrap();
        std::fs::create_dir_all(root.join("other")).unwrap();
        std::fs::write(root.join(FILE_NAME), "[rules]\npublic-auth = \"off\"\n").unwrap();
        std::fs::write(
            root.join("amplify").join(FILE_NAME),
            "[project]\nhas-define-auth = false\n",
        )
        .unwrap();
        let config = Config::new();
        let nested = config
            .discover(&root.join("amplify/data/resource.ts"))
            .unwrap()
            .unwrap();
        assert_eq!(nested.settings().has_define_auth, Some(false));
        assert!(
            nested.settings().rule_severity.is_empty(),
            "the nearest file wins, alone"
        );
        let top = config.discover(&root.join("other/x.ts")).unwrap().unwrap();
        assert_eq!(top.settings().rule_severity.get("public-auth"), Some(&None));
        // Cached: a changed file is not re-read until the cache is cleared.
        std::fs::write(root.join("amplify").join(FILE_NAME), "[bad").unwrap();
        let again = config
            .discover(&root.join("amplify/data/other.ts"))
            .unwrap()
            .unwrap();
        assert!(Arc::ptr_eq(&again, &nested));
        config.clear();
        assert!(config
            .discover(&root.join("amplify/data/other.ts"))
            .is_err());
    }
}
