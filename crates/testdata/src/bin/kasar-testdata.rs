//! Writes generated labeled records as CSV on stdout, for tools outside the
//! workspace (the Splink comparison, `scripts/splink.sh`):
//!
//! ```text
//! kasar-testdata contacts|companies --records N [--duplicate-share 0.15] [--seed 7]
//! ```
//!
//! The header is `unique_id,entity,<fields…>`: `unique_id` is the row index
//! (0 to N-1, the index `kasar_testdata::true_pairs` uses), `entity` the id of
//! the real-world entity the record describes, then the fields in a fixed
//! order (contacts: `first_name,last_name,email,phone,job_title`; companies:
//! `name,domain,email,phone`). An absent or null field is an empty cell.
//! Bad arguments exit with code 2 and a usage line on stderr.

use std::borrow::Cow;
use std::io::{self, Write};
use std::process::ExitCode;

use kasar_testdata::{Labeled, Spec};
use serde_json::Value as Json;

const USAGE: &str =
    "usage: kasar-testdata contacts|companies --records N [--duplicate-share 0.15] [--seed 7]";

/// Which records to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Contacts,
    Companies,
}

impl Kind {
    /// The CSV columns after `unique_id,entity`, in order.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Contacts => &["first_name", "last_name", "email", "phone", "job_title"],
            Kind::Companies => &["name", "domain", "email", "phone"],
        }
    }

    fn generate(self, spec: Spec) -> Vec<Labeled> {
        match self {
            Kind::Contacts => kasar_testdata::contacts(spec),
            Kind::Companies => kasar_testdata::companies(spec),
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Command {
    Help,
    Generate(Kind, Spec),
}

fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("kasar-testdata: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (kind, spec) = match command {
        Command::Help => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::Generate(kind, spec) => (kind, spec),
    };
    let records = kind.generate(spec);
    match write_csv(io::stdout().lock(), kind.fields(), &records) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kasar-testdata: writing the CSV: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Parses the arguments after the program name.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let mut kind = None;
    let mut records = None;
    let mut spec = Spec {
        records: 0,
        duplicate_share: 0.15,
        seed: 7,
    };
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().ok_or(format!("{flag} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "contacts" | "companies" if kind.is_some() => {
                return Err(format!("a second kind: {arg}"))
            }
            "contacts" => kind = Some(Kind::Contacts),
            "companies" => kind = Some(Kind::Companies),
            "--records" => records = Some(number::<usize>(&arg, &value(&arg)?)?),
            "--duplicate-share" => spec.duplicate_share = share(&value(&arg)?)?,
            "--seed" => spec.seed = number::<u64>(&arg, &value(&arg)?)?,
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    let kind = kind.ok_or("contacts or companies is required")?;
    spec.records = records.ok_or("--records is required")?;
    Ok(Command::Generate(kind, spec))
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag}: not a non-negative integer: {text:?}"))
}

/// A duplicate share: a number from 0 up to (not including) 1.
fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(share) if (0.0..1.0).contains(&share) => Ok(share),
        _ => Err(format!(
            "--duplicate-share: not a number from 0 to below 1: {text:?}"
        )),
    }
}

/// The records as CSV (quoted where needed): `unique_id,entity,<fields…>`.
fn write_csv(out: impl Write, fields: &[&str], records: &[Labeled]) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(io::BufWriter::new(out));
    let header = ["unique_id", "entity"].iter().chain(fields);
    writer.write_record(header)?;
    for (index, record) in records.iter().enumerate() {
        let ids = [
            Cow::from(index.to_string()),
            record.entity.to_string().into(),
        ];
        let cells = fields.iter().map(|f| cell(record.fields.get(*f)));
        writer.write_record(ids.into_iter().chain(cells).map(Cow::into_owned))?;
    }
    writer.flush()?;
    Ok(())
}

/// A field's CSV cell: a string as it is, null or absent as empty, any other
/// value as its JSON text.
fn cell(value: Option<&Json>) -> Cow<'_, str> {
    match value {
        None | Some(Json::Null) => Cow::Borrowed(""),
        Some(Json::String(s)) => Cow::Borrowed(s),
        Some(other) => Cow::Owned(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn arguments_parse_with_defaults_and_bad_ones_are_refused() {
        assert_eq!(
            parse(args("contacts --records 10")),
            Ok(Command::Generate(
                Kind::Contacts,
                Spec {
                    records: 10,
                    duplicate_share: 0.15,
                    seed: 7
                }
            ))
        );
        assert_eq!(
            parse(args("--seed 3 companies --duplicate-share 0.2 --records 5")),
            Ok(Command::Generate(
                Kind::Companies,
                Spec {
                    records: 5,
                    duplicate_share: 0.2,
                    seed: 3
                }
            ))
        );
        for bad in [
            "contacts",
            "--records 5",
            "contacts --records",
            "contacts --records -1",
            "contacts --records 5 --duplicate-share 1",
            "contacts companies --records 5",
            "people --records 5",
        ] {
            assert!(parse(args(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn cells_are_quoted_where_needed_and_missing_fields_are_empty() -> Result<(), csv::Error> {
        let records = [Labeled {
            entity: 4,
            fields: json!({"first_name": "Jo, \"JJ\"", "last_name": null, "phone": 12}),
        }];
        let mut out = Vec::new();
        write_csv(
            &mut out,
            &["first_name", "last_name", "email", "phone"],
            &records,
        )?;
        assert_eq!(
            String::from_utf8_lossy(&out),
            "unique_id,entity,first_name,last_name,email,phone\n0,4,\"Jo, \"\"JJ\"\"\",,,12\n"
        );
        Ok(())
    }
}
