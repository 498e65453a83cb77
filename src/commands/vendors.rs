//! `calls vendors`: the capability matrix.

use anyhow::Result;
use comfy_table::{presets, Table};
use serde_json::json;

use crate::cli::VendorsArgs;
use crate::output::Format;
use crate::types::Vendor;
use crate::vendors::{api_traits, Operation};

/// Every optional operation, in column order.
const OPERATIONS: [Operation; 4] = Operation::ALL;

pub fn run(args: &VendorsArgs) -> Result<()> {
    let format = args.format.unwrap_or(if crate::term::stdout_is_tty() {
        Format::Table
    } else {
        Format::Json
    });
    if format == Format::Parquet {
        return crate::error::usage(
            "-o parquet is for calls (export); vendors prints a table or JSON",
        );
    }
    match format {
        Format::Table => {
            // NOTE: on a narrow terminal the product and the always-"yes" list/export columns go,
            // so that no word is cut; the auth words wrap at spaces.
            let width = crate::term::width().filter(|w| *w > 0);
            let wide = width.is_none_or(|w| w >= 140);
            let mut table = Table::new();
            table.load_preset(presets::NOTHING);
            let mut header = vec!["VENDOR", "API"];
            if wide {
                header.extend(["PRODUCT", "LIST/EXPORT"]);
            }
            let names: Vec<String> = OPERATIONS.iter().map(|o| o.name().to_uppercase()).collect();
            header.extend(names.iter().map(String::as_str));
            header.extend([if wide { "PAGE SIZE" } else { "PAGE" }, "AUTH"]);
            table.set_header(header);
            if let Some(width) = width {
                table
                    .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                    .set_width(width);
            }
            for v in Vendor::ALL {
                for (i, api) in v.traits().apis.iter().enumerate() {
                    let t = api_traits(v, Some(api), None);
                    let shown_api = if i == 0 {
                        format!("{api}*")
                    } else {
                        api.to_string()
                    };
                    let mut row = vec![v.id().to_string(), shown_api];
                    if wide {
                        row.extend([t.product.to_string(), "yes".into()]);
                    }
                    row.extend(
                        OPERATIONS.iter().map(|o| {
                            if t.operations.contains(o) { "yes" } else { "-" }.to_string()
                        }),
                    );
                    row.push(t.max_page_size.to_string());
                    row.push(t.auth.to_string());
                    table.add_row(row);
                }
            }
            for line in table.lines() {
                crate::term::out_line(line.trim_end())?;
            }
            crate::term::out_line("* the default API; a profile's `api` picks another")?;
        }
        _ => {
            let entry = |t: &crate::vendors::Traits| {
                let ops: Vec<&str> = ["list", "export"]
                    .into_iter()
                    .chain(
                        OPERATIONS
                            .iter()
                            .filter(|o| t.operations.contains(o))
                            .map(|o| o.name()),
                    )
                    .collect();
                json!({"product": t.product, "operations": ops,
                       "max_page_size": t.max_page_size, "auth": t.auth,
                       "base_url": t.default_base_url,
                       "lists_by_modification": t.lists_by_modification})
            };
            // One object per vendor with its default API's facts at the top (as before), and
            // every API it has under `apis`.
            let all: Vec<_> = Vendor::ALL
                .iter()
                .map(|v| {
                    let mut top = entry(&v.traits());
                    top["vendor"] = v.id().into();
                    top["apis"] = v
                        .traits()
                        .apis
                        .iter()
                        .enumerate()
                        .map(|(i, api)| {
                            let mut e = entry(&api_traits(*v, Some(api), None));
                            e["api"] = (*api).into();
                            e["default"] = (i == 0).into();
                            e
                        })
                        .collect();
                    top
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
