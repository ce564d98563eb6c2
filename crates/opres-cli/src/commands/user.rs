//! `opres user …` and `opres audit verify`.

use crate::cli::{AuditCommand, UserAddArgs, UserCommand, UserSetRoleArgs};
use crate::output::InputError;
use opres_app::{Actor, AppError, NewUser, Register, UserChange};
use opres_domain::{InstitutionCode, Lang};
use opres_store::{Role, Stored, User, UserScope};
use rand::RngExt;
use std::io::BufRead;

pub async fn run(register: Register, actor: &Actor, cmd: UserCommand) -> anyhow::Result<()> {
    let result = match cmd {
        UserCommand::Add(args) => add(&register, actor, args).await,
        UserCommand::List => list(&register, actor).await,
        UserCommand::SetRole(args) => set_role(&register, actor, args).await,
        UserCommand::Password { username, password_stdin } => {
            password(&register, actor, &username, password_stdin).await
        }
        UserCommand::Disable { username } => set_active(&register, actor, &username, false).await,
        UserCommand::Enable { username } => set_active(&register, actor, &username, true).await,
        UserCommand::Token { username, name } => token(&register, actor, &username, &name).await,
    };
    register.close().await;
    result
}

fn role(code: &str) -> anyhow::Result<Role> {
    Role::parse(code).ok_or_else(|| {
        InputError::err(
            format!("役割「{code}」はありません（admin, analyst, reporter, executive, auditor）"),
            format!("there is no role '{code}' (use admin, analyst, reporter, executive or auditor)"),
        )
    })
}

fn scope(all: bool, codes: &[String]) -> anyhow::Result<UserScope> {
    if all {
        return Ok(UserScope::All);
    }
    if codes.is_empty() {
        return Err(InputError::err(
            "--institution（複数可）または --all-institutions を指定してください",
            "give --institution (repeatable) or --all-institutions",
        ));
    }
    let mut out = Vec::new();
    for c in codes {
        out.push(InstitutionCode::parse(c).map_err(|e| {
            InputError::err(format!("金融機関コード「{c}」: {e}"), format!("institution code '{c}': {e}"))
        })?);
    }
    Ok(UserScope::Institutions(out))
}

/// A password from standard input, or a generated one (printed by the caller).
fn password_from(stdin: bool) -> anyhow::Result<(String, bool)> {
    if stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok((line.trim_end_matches(['\r', '\n']).to_string(), false));
    }
    Ok((generate_password(), true))
}

/// 20 characters from an alphabet without look-alikes (about 115 bits).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

async fn add(register: &Register, actor: &Actor, args: UserAddArgs) -> anyhow::Result<()> {
    let lang = actor.lang();
    let role = role(&args.role)?;
    let scope = scope(args.all_institutions, &args.institution)?;
    let (password, generated) = password_from(args.password_stdin)?;
    let new = NewUser {
        username: args.username.clone(),
        display_name: args.display_name,
        password: password.clone(),
        role,
        scope,
    };
    let user = register.create_user(actor, new).await?;
    match lang {
        Lang::Ja => {
            println!("ユーザー {} を作成しました（役割: {}）", user.value.username, user.value.role.label(lang))
        }
        Lang::En => println!("created user {} (role: {})", user.value.username, user.value.role.label(lang)),
    }
    if generated {
        println!(
            "{}: {password}",
            lang.pick("初期パスワード（この画面にだけ表示されます）", "initial password (shown only now)")
        );
    }
    Ok(())
}

fn scope_text(s: &UserScope, lang: Lang) -> String {
    match s {
        UserScope::All => lang.pick("すべて", "all").into(),
        UserScope::Institutions(v) => v.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(","),
    }
}

async fn list(register: &Register, actor: &Actor) -> anyhow::Result<()> {
    let lang = actor.lang();
    let users = register.users(actor).await?;
    println!("{:<24} {:<10} {:<8} {:<24} display name", "username", "role", "active", "institutions");
    for u in users {
        let v = &u.value;
        println!(
            "{:<24} {:<10} {:<8} {:<24} {}",
            v.username,
            v.role.code(),
            v.active,
            scope_text(&v.scope, lang),
            v.display_name
        );
    }
    Ok(())
}

/// A user name that names nobody is a mistake in the command (exit code 2).
fn unknown_user(username: &str) -> impl Fn(AppError) -> anyhow::Error + '_ {
    move |e| match e {
        AppError::NotFound { .. } => {
            InputError::err(format!("ユーザー「{username}」はいません"), format!("there is no user '{username}'"))
        }
        other => other.into(),
    }
}

async fn find(register: &Register, actor: &Actor, username: &str) -> anyhow::Result<Stored<User>> {
    register.user_named(actor, username).await.map_err(unknown_user(username))
}

async fn set_role(register: &Register, actor: &Actor, args: UserSetRoleArgs) -> anyhow::Result<()> {
    let lang = actor.lang();
    let current = find(register, actor, &args.username).await?;
    let change = UserChange {
        role: args.role.as_deref().map(role).transpose()?,
        scope: (args.all_institutions || !args.institution.is_empty())
            .then(|| scope(args.all_institutions, &args.institution))
            .transpose()?,
        ..UserChange::default()
    };
    let saved = register.change_user(actor, current.id, Some(current.version), change).await?;
    println!(
        "{} {} {} / {}",
        saved.value.username,
        lang.pick("→", "→"),
        saved.value.role.label(lang),
        scope_text(&saved.value.scope, lang)
    );
    Ok(())
}

async fn password(register: &Register, actor: &Actor, username: &str, stdin: bool) -> anyhow::Result<()> {
    let lang = actor.lang();
    let user = find(register, actor, username).await?;
    let (password, generated) = password_from(stdin)?;
    register.reset_password(actor, user.id, &password).await?;
    if generated {
        println!(
            "{}: {password}",
            lang.pick("新しいパスワード（この画面にだけ表示されます）", "new password (shown only now)")
        );
    } else {
        println!("{}", lang.pick("パスワードを変更しました", "password changed"));
    }
    Ok(())
}

async fn set_active(register: &Register, actor: &Actor, username: &str, active: bool) -> anyhow::Result<()> {
    let lang = actor.lang();
    let current = find(register, actor, username).await?;
    let change = UserChange { active: Some(active), ..UserChange::default() };
    register.change_user(actor, current.id, Some(current.version), change).await?;
    println!(
        "{username}: {}",
        if active {
            lang.pick("有効にしました", "enabled")
        } else {
            lang.pick("無効にしました", "disabled")
        }
    );
    Ok(())
}

async fn token(register: &Register, actor: &Actor, username: &str, name: &str) -> anyhow::Result<()> {
    let lang = actor.lang();
    let (_, secret) = register.create_token_for(actor, username, name).await.map_err(unknown_user(username))?;
    eprintln!("{}", lang.pick("API トークン（この画面にだけ表示されます）:", "API token (shown only now):"));
    println!("{secret}");
    Ok(())
}

pub async fn audit(register: Register, actor: &Actor, cmd: AuditCommand) -> anyhow::Result<()> {
    let lang = actor.lang();
    let AuditCommand::Verify = cmd;
    let result = register.verify_audit_trail(actor).await;
    register.close().await;
    let v = result?;
    match v.first_bad {
        None => {
            match lang {
                Lang::Ja => println!("監査証跡は改ざんされていません（{} 件を検査）", v.entries),
                Lang::En => println!("audit trail intact ({} entries checked)", v.entries),
            }
            Ok(())
        }
        Some((seq, why)) => anyhow::bail!(match lang {
            Lang::Ja => format!("監査証跡が改ざんされています。最初の不正な記録: 番号 {seq} — {}", why.message(lang)),
            Lang::En => format!("audit trail tampered with: first bad entry is #{seq} — {}", why.message(lang)),
        }),
    }
}
