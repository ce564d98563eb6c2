//! What every use-case test needs: institution codes and signed-in people of a role and scope.

use opres_app::{Actor, Channel, NewUser, Register};
use opres_domain::{InstitutionCode, Lang};
use opres_store::{AuditContext, Role, UserScope};

/// An institution code the test knows is valid.
pub(crate) fn code(c: &str) -> InstitutionCode {
    InstitutionCode::parse(c).unwrap()
}

/// A new user of `role` and `scope`, as the web front end would act for them (English).
pub(crate) async fn person(register: &Register, name: &str, role: Role, scope: UserScope) -> Actor {
    let new = NewUser {
        username: name.into(),
        display_name: String::new(),
        password: "a long enough pass".into(),
        role,
        scope,
    };
    let user = register.add_user(new, &AuditContext::new("test")).await.unwrap();
    Actor::user(&user, Channel::Web, Lang::En)
}
