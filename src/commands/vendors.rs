//! `calls vendors`: the capability matrix.

use anyhow::Result;
use comfy_table::{presets, Table};
use serde_json::json;

use crate::cli::VendorsArgs;
use crate::output::Format;
use crate::types::Vendor;
use crate::vendors::Operation;

/// Every optional operation, in column order.
const OPERATIONS: [Operation; 4] = Operation::ALL;

pub fn run(args: &VendorsArgs) -> Result<()> {
    let format = args.format.unwrap_or(if crate::term::stdout_is_tty() {
        Format::Table
    } else {
        Format::Json
    });
    match format {
        Format::Table => {
            let mut table = Table::new();
            table.load_preset(presets::NOTHING);
            let mut header = vec!["VENDOR", "PRODUCT", "LIST/EXPORT"];
            let names: Vec<String> = OPERATIONS.iter().map(|o| o.name().to_uppercase()).collect();
            header.extend(names.iter().map(String::as_str));
            header.extend(["PAGE SIZE", "AUTH"]);
            table.set_header(header);
            for v in Vendor::ALL {
                let t = v.traits();
                let mut row = vec![v.id().to_string(), t.product.to_string(), "yes".into()];
                row.extend(
                    OPERATIONS
                        .iter()
                        .map(|o| if v.supports(*o) { "yes" } else { "-" }.to_string()),
                );
                row.push(t.max_page_size.to_string());
                row.push(t.auth.to_string());
                table.add_row(row);
            }
            for line in table.lines() {
                crate::term::out_line(line.trim_end())?;
            }
        }
        _ => {
            let all: Vec<_> = Vendor::ALL
                .iter()
                .map(|v| {
                    let t = v.traits();
                    let ops: Vec<&str> = std::iter::once("list")
                        .chain(std::iter::once("export"))
                        .chain(
                            OPERATIONS
                                .iter()
                                .filter(|o| v.supports(**o))
                                .map(|o| o.name()),
                        )
                        .collect();
                    json!({"vendor": v.id(), "product": t.product, "operations": ops,
                           "max_page_size": t.max_page_size, "auth": t.auth,
                           "base_url": t.default_base_url})
                })
                .collect();
            let text = if format == Format::Ndjson {
                all.iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                serde_json::to_string_pretty(&all)?
            };
            crate::term::out_line(&text)?;
        }
    }
    Ok(())
}
