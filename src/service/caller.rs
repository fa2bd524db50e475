//! Who asks a use case: an operator with a role and teams. A citizen is
//! known by a case's receipt number and access token instead (tracking).

use super::ServiceError;
use crate::db::types::Id;
use crate::domain::catalog::Role;

/// An authenticated operator.
#[derive(Debug, Clone)]
pub struct Operator {
    /// Id.
    pub id: Id,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Teams they belong to.
    pub team_ids: Vec<Id>,
}

impl Operator {
    /// Forbidden unless the operator has one of these roles.
    pub fn require(&self, roles: &[Role]) -> Result<(), ServiceError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ServiceError::Forbidden(format!(
                "this needs the role {}; you are {}",
                names.join(" or "),
                self.role.as_str()
            )))
        }
    }

    /// Forbidden unless the operator is an admin.
    pub fn require_admin(&self) -> Result<(), ServiceError> {
        self.require(&[Role::Admin])
    }

    /// Whether the operator may see and work on cases of this team.
    pub fn covers_team(&self, team: Option<&Id>) -> bool {
        match self.role {
            Role::Admin | Role::Happycall => true,
            Role::Manager | Role::Agent => team.is_some_and(|t| self.team_ids.contains(t)),
        }
    }

    /// The teams this operator's lists are limited to (`None`: all).
    pub fn list_scope(&self) -> Option<Vec<Id>> {
        matches!(self.role, Role::Manager | Role::Agent).then(|| self.team_ids.clone())
    }
}

/// The caller an active operator's row makes, with their teams.
pub fn load(c: &mut crate::db::Conn, op: crate::store::operators::Operator) -> Result<Operator, ServiceError> {
    let team_ids = crate::store::operators::team_ids(c, &op.id)?;
    let role = Role::parse(&op.role)
        .ok_or_else(|| ServiceError::Conflict(format!("the operator has an unknown role {}", op.role)))?;
    Ok(Operator {
        id: op.id,
        name: op.name,
        role,
        team_ids,
    })
}
