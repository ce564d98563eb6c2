use crate::cli::{ExportArgs, ExportCommand, ExportFormat};
use crate::output::InputError;
use anyhow::Context;
use opres_app::{Actor, Register};
use opres_domain::{DataSet, Lang};
use opres_interchange::{Format, HeaderLang};
use std::io::Write;

pub async fn run(register: Register, actor: &Actor, cmd: ExportCommand) -> anyhow::Result<()> {
    let ExportCommand::Incidents(args) = cmd;
    let result = export(&register, actor, args).await;
    register.close().await;
    result
}

async fn export(register: &Register, actor: &Actor, args: ExportArgs) -> anyhow::Result<()> {
    let lang = actor.lang();
    let format = match (args.format, args.out.as_deref().and_then(Format::from_path)) {
        (Some(f), _) => match f {
            ExportFormat::Jsonl => Format::Jsonl,
            ExportFormat::Json => Format::Json,
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Xlsx => Format::Xlsx,
        },
        (None, Some(f)) => f,
        (None, None) => Format::Jsonl,
    };
    let header = match args.headers {
        Lang::Ja => HeaderLang::Ja,
        Lang::En => HeaderLang::En,
    };
    let data = register.export(actor, &args.filter.params()).await?;
    let n = data.incidents.len();
    match (&args.out, format) {
        (None, Format::Xlsx) => {
            return Err(InputError::err(
                "XLSX は --out でファイルを指定してください",
                "XLSX needs a file: give --out FILE.xlsx",
            ));
        }
        (None, f) => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            write(f, &data, header, &mut out)?;
            out.flush()?;
        }
        (Some(path), f) => {
            let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            write(f, &data, header, &mut out).with_context(|| format!("cannot write {}", path.display()))?;
            out.flush()?;
            eprintln!(
                "{}",
                match lang {
                    Lang::Ja => format!("障害 {n} 件を {} に書き出しました", path.display()),
                    Lang::En => format!("wrote {n} incidents to {}", path.display()),
                }
            );
        }
    }
    Ok(())
}

/// CSV holds incidents only; the other formats carry institutions and systems too.
fn write(format: Format, data: &DataSet, header: HeaderLang, out: &mut impl Write) -> anyhow::Result<()> {
    match format {
        Format::Csv => opres_interchange::write_incidents_with(format, &data.incidents, header, out)?,
        _ => opres_interchange::write_dataset(format, data, header, out)?,
    }
    Ok(())
}
