//! `amplint rule NAME`: a rule's documentation.

use clap::Args;
use miette::miette;

use super::Status;

#[derive(Args)]
pub struct RuleArguments {
    /// The rule's name, e.g. `missing-inverse-relation`. Without it, every rule is listed.
    pub name: Option<String>,
    /// Print every rule as a Markdown table (rule | severity | fix | summary), as in the README.
    #[arg(long, conflicts_with = "name")]
    pub table: bool,
}

/// Every rule as a Markdown table, generated from the rules' own documentation.
pub fn markdown_table() -> String {
    let mut table = String::from("| rule | severity | fix | summary |\n|---|---|---|---|\n");
    for rule in amplint_rules::all_rules() {
        let meta = rule.meta;
        let fix = match meta.fix {
            amplint_rules::FixAvailability::None => "",
            amplint_rules::FixAvailability::Sometimes => "sometimes",
            amplint_rules::FixAvailability::Always => "yes",
        };
        table.push_str(&format!(
            "| `{}` | {} | {fix} | {} |\n",
            meta.name,
            meta.severity,
            meta.summary().replace('|', "\\|")
        ));
    }
    table
}

pub fn run(arguments: RuleArguments) -> miette::Result<Status> {
    if arguments.table {
        print!("{}", markdown_table());
        return Ok(Status::Clean);
    }
    let Some(name) = arguments.name else {
        for rule in amplint_rules::all_rules() {
            println!(
                "{:<32} {:<8} {}",
                rule.meta.name,
                rule.meta.severity,
                rule.meta.summary()
            );
        }
        return Ok(Status::Clean);
    };
    let Some(rule) = amplint_rules::rule(&name) else {
        let names = amplint_rules::all_rules().iter().map(|rule| rule.meta.name);
        let help = match amplint_rules::suggest::did_you_mean(&name, names) {
            Some(close) => format!("did you mean `{close}`? `amplint rule` lists every rule"),
            None => "`amplint rule` lists every rule".to_string(),
        };
        return Err(miette!(help = help, "unknown rule `{name}`"));
    };
    let meta = rule.meta;
    let fix = match meta.fix {
        amplint_rules::FixAvailability::None => "no fix",
        amplint_rules::FixAvailability::Sometimes => "fix sometimes available",
        amplint_rules::FixAvailability::Always => "fix always available",
    };
    println!(
        "# {}\n\nDefault severity: {} · {}\n",
        meta.name, meta.severity, fix
    );
    print!("{}", meta.documentation());
    Ok(Status::Clean)
}
