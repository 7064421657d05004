use crate::Status;

/// A staff member's role. Each role can do what the one below it can,
/// except that translators and authors work on different things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Editor,
    Author,
    Translator,
}

/// Something a staff member may try to do; [`Role::may`] decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See the dashboard and read any commentary in the workspace.
    ReadWorkspace,
    /// Start a new commentary (its first version).
    CreateCommentary,
    /// Edit a version that is the original (not a translation) of a
    /// commentary; `own` when the staff member is one of its authors,
    /// `draft` when the version is still a draft.
    EditOriginal { own: bool, draft: bool },
    /// Add or edit a translation of a commentary.
    EditTranslation,
    /// Move a version to `to` in the workflow.
    SetStatus { to: Status },
    /// Edit the edition: order, dates, web publication time.
    ManageEditions,
    /// Edit trends, authors, static pages and the assessment scale.
    ManageContentLists,
    /// Manage staff accounts, settings, and read the audit log.
    ManageStaff,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Editor, Role::Author, Role::Translator];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Author => "author",
            Role::Translator => "translator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether someone with this role may make an API token that acts with
    /// `other`: admins any, editors any but admin, the others only their own.
    /// A token whose owner no longer covers its role stops working.
    pub fn covers(self, other: Role) -> bool {
        match self {
            Role::Admin => true,
            Role::Editor => other != Role::Admin,
            r => r == other,
        }
    }

    /// The one place permissions are decided; every workspace route asks.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        use Role::*;
        match (self, action) {
            (_, ReadWorkspace) => true,
            (Admin, _) => true,
            (Editor, ManageStaff) => false,
            (Editor, _) => true,
            (Author, CreateCommentary) => true,
            (Author, EditOriginal { own, draft }) => own && draft,
            // Authors submit their drafts for review, or take them back.
            (Author, SetStatus { to }) => matches!(to, Status::Draft | Status::Review),
            (Translator, EditTranslation) => true,
            (Translator, SetStatus { to }) => matches!(to, Status::Draft | Status::Review),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn tokens_act_at_most_with_their_owners_role() {
        assert!(Role::Admin.covers(Role::Translator));
        assert!(Role::Editor.covers(Role::Author));
        assert!(!Role::Editor.covers(Role::Admin));
        assert!(Role::Author.covers(Role::Author));
        assert!(!Role::Author.covers(Role::Translator));
        assert!(!Role::Translator.covers(Role::Editor));
    }

    #[test]
    fn who_may_do_what() {
        use Action::*;
        let publish = SetStatus {
            to: Status::Published,
        };
        assert!(Role::Editor.may(publish));
        assert!(!Role::Author.may(publish));
        assert!(!Role::Translator.may(publish));
        assert!(!Role::Author.may(SetStatus {
            to: Status::Approved
        }));
        assert!(Role::Author.may(EditOriginal {
            own: true,
            draft: true
        }));
        assert!(!Role::Author.may(EditOriginal {
            own: false,
            draft: true
        }));
        assert!(!Role::Author.may(EditOriginal {
            own: true,
            draft: false
        }));
        assert!(!Role::Author.may(EditTranslation));
        assert!(Role::Translator.may(EditTranslation));
        assert!(!Role::Translator.may(EditOriginal {
            own: true,
            draft: true
        }));
        assert!(!Role::Translator.may(CreateCommentary));
        assert!(!Role::Editor.may(ManageStaff));
        assert!(Role::Admin.may(ManageStaff));
        for r in Role::ALL {
            assert!(r.may(ReadWorkspace));
        }
    }
}
