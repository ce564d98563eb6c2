//! A bilingual start page: what is in the register and where the API is. The full web UI
//! (sign-in, lists, forms) is the next piece of work; this page says so rather than pretend.

use crate::AppState;
use crate::lang::UserLang;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use opres_domain::Lang;
use opres_store::IncidentQuery;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/", get(start))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn start(State(s): State<AppState>, UserLang(lang): UserLang) -> Html<String> {
    let store = s.register.store();
    let institutions = store.list_institutions().await.map(|v| v.len()).unwrap_or(0);
    let recent = store.list_incidents(&IncidentQuery { limit: 10, ..Default::default() }).await;
    let (total, rows) = match recent {
        Ok(page) => {
            let rows: String = page
                .items
                .iter()
                .map(|i| {
                    let v = &i.value;
                    format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(v.reference.as_str()),
                        escape(&opres_domain::time::format_jst(&v.times.occurred_at())[..16].replace('T', " ")),
                        escape(v.title.get(lang)),
                        escape(v.classification.trend().label(lang)),
                        escape(v.status().label(lang)),
                    )
                })
                .collect();
            (page.total, rows)
        }
        Err(_) => (0, String::new()),
    };
    let t = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let other = match lang {
        Lang::Ja => "<a href=\"/?lang=en\">English</a>",
        Lang::En => "<a href=\"/?lang=ja\">日本語</a>",
    };
    Html(format!(
        r#"<!doctype html><html lang="{code}"><head><meta charset="utf-8"><title>opres</title>
<style>body{{font-family:"Noto Sans CJK JP","IPAexGothic","Hiragino Sans","Yu Gothic",sans-serif;margin:2rem;color:#1f2937}}
table{{border-collapse:collapse}}td,th{{border-bottom:1px solid #e5e7eb;padding:.3rem .8rem;text-align:left}}
header{{display:flex;justify-content:space-between}}</style></head><body>
<header><h1>opres</h1><nav>{other}</nav></header>
<p>{intro}</p>
<p>{inst_label}: <strong>{institutions}</strong> / {inc_label}: <strong>{total}</strong></p>
<h2>{recent_label}</h2>
<table><thead><tr><th>{ref_h}</th><th>{occ_h}</th><th>{title_h}</th><th>{trend_h}</th><th>{status_h}</th></tr></thead><tbody>{rows}</tbody></table>
<p>{api_label}: <a href="/api/v1/incidents">/api/v1/incidents</a>, <a href="/api/v1/report-stages/due">/api/v1/report-stages/due</a></p>
</body></html>"#,
        code = lang.code(),
        intro = t(
            "金融機関のシステム障害の登録・報告管理。画面（ログイン、一覧、入力フォーム）は次の開発項目です。現在は REST API と CLI で操作できます。",
            "The register of financial institutions' system failures and their reports. The full web UI (sign-in, lists, forms) is the next piece of work; today the REST API and the CLI do the job."
        ),
        inst_label = t("金融機関", "Institutions"),
        inc_label = t("障害", "Incidents"),
        recent_label = t("最近の障害", "Recent incidents"),
        ref_h = t("管理番号", "Reference"),
        occ_h = t("発生日時 (JST)", "Occurred (JST)"),
        title_h = t("件名", "Title"),
        trend_h = t("障害傾向", "Trend"),
        status_h = t("状態", "Status"),
        api_label = t("API", "API"),
    ))
}
