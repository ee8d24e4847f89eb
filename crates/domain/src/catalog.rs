//! The object/field catalog of an organization: which objects exist, which fields
//! they have and of what type. Everything that works on objects is driven by it.

/// The type of a field, as the API and the catalog name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    Text,
    Email,
    Phone,
    Linkedin,
    Number,
    Boolean,
    Date,
    Select,
    Owner,
    BelongsToOne,
    ManyToMany,
}

impl FieldType {
    /// Every type, in the order the catalog documents them.
    pub const ALL: [FieldType; 11] = [
        Self::Text,
        Self::Email,
        Self::Phone,
        Self::Linkedin,
        Self::Number,
        Self::Boolean,
        Self::Date,
        Self::Select,
        Self::Owner,
        Self::BelongsToOne,
        Self::ManyToMany,
    ];

    /// The catalog / API name of the type (`TEXT`, `BELONGS_TO_ONE`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "TEXT",
            Self::Email => "EMAIL",
            Self::Phone => "PHONE",
            Self::Linkedin => "LINKEDIN",
            Self::Number => "NUMBER",
            Self::Boolean => "BOOLEAN",
            Self::Date => "DATE",
            Self::Select => "SELECT",
            Self::Owner => "OWNER",
            Self::BelongsToOne => "BELONGS_TO_ONE",
            Self::ManyToMany => "MANY_TO_MANY",
        }
    }

    /// Parses a catalog type name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Whether values of this type are stored as text.
    pub fn is_textual(self) -> bool {
        matches!(
            self,
            Self::Text | Self::Email | Self::Phone | Self::Linkedin | Self::Select
        )
    }
}

/// One field of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    pub name: String,
    pub field_type: FieldType,
    pub required: bool,
    /// Allowed values of a SELECT field, in display order.
    pub options: Vec<String>,
    /// The value a create that leaves the field out gets, as JSON (valid for
    /// the field's type).
    pub default_value: Option<serde_json::Value>,
    /// Target object of a BELONGS_TO_ONE or MANY_TO_MANY field.
    pub target: Option<String>,
    /// Display text; `None` shows the name.
    pub label: Option<String>,
    /// Whether an admin added the field (standard fields are not custom).
    pub custom: bool,
}

impl FieldDef {
    /// An optional field with no options, default or target.
    pub fn new(name: impl Into<String>, field_type: FieldType) -> Self {
        Self {
            name: name.into(),
            field_type,
            required: false,
            options: Vec::new(),
            default_value: None,
            target: None,
            label: None,
            custom: false,
        }
    }

    /// The field, required (or not).
    pub fn with_required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    /// The field with the options of a SELECT and its default on create.
    pub fn with_options(mut self, options: Vec<String>, default: Option<String>) -> Self {
        self.options = options;
        self.default_value = default.map(serde_json::Value::String);
        self
    }

    /// The display text: the label, or the name.
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// The field pointing at the target object of a relation.
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Whether the field is a column of the object's own table (everything but
    /// MANY_TO_MANY, which lives in a junction table).
    pub fn is_column(&self) -> bool {
        self.field_type != FieldType::ManyToMany
    }

    /// Junction table name of a MANY_TO_MANY field: `<object>_<field>`
    /// (shortened by [`relation_name`] past PostgreSQL's 63 bytes).
    pub fn junction_table(&self, object: &str) -> String {
        relation_name(format!("{object}_{}", self.name))
    }
}

/// One object (a table of records) of an organization.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObjectDef {
    pub name: String,
    pub fields: Vec<FieldDef>,
    /// Display text; `None` shows the name.
    pub label: Option<String>,
    /// Whether an admin added the object (the standard four are not custom).
    pub custom: bool,
    /// The match profile an admin set; `None`: the default profile.
    pub matching: Option<Vec<crate::fuzzy::Comparison>>,
}

impl ObjectDef {
    /// An object with these fields, standard and unlabelled.
    pub fn new(name: impl Into<String>, fields: Vec<FieldDef>) -> Self {
        Self {
            name: name.into(),
            fields,
            label: None,
            custom: false,
            matching: None,
        }
    }

    /// The display text: the label, or the name.
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// The match profile in force: the one an admin set, or the default.
    pub fn profile(&self) -> Vec<crate::fuzzy::Comparison> {
        self.matching
            .clone()
            .unwrap_or_else(|| crate::fuzzy::default_profile(self))
    }

    /// A field by name.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Fields stored as columns of the object's table, in catalog order.
    pub fn column_fields(&self) -> impl Iterator<Item = &FieldDef> {
        self.fields.iter().filter(|f| f.is_column())
    }

    /// MANY_TO_MANY fields, in catalog order.
    pub fn many_to_many_fields(&self) -> impl Iterator<Item = &FieldDef> {
        self.fields.iter().filter(|f| !f.is_column())
    }

    /// The field the record-level write rule reads: the object's first OWNER
    /// field, if it has one.
    pub fn owner_field(&self) -> Option<&FieldDef> {
        self.fields_of(FieldType::Owner).next()
    }

    /// Fields of one type, in catalog order.
    pub fn fields_of(&self, t: FieldType) -> impl Iterator<Item = &FieldDef> {
        self.fields.iter().filter(move |f| f.field_type == t)
    }
}

/// The whole catalog of one organization, at one version (every committed
/// change of the catalog increments the organization's version).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalog {
    pub objects: Vec<ObjectDef>,
    pub version: i64,
}

/// A relation that points at an object: the column or junction to re-link when
/// records of that object are merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundRelation {
    /// `source_object.field` is a BELONGS_TO_ONE column pointing at the object.
    Column {
        source_object: String,
        field: String,
    },
    /// A junction table whose `column` (`source_id` or `target_id`) holds ids of
    /// the object.
    Junction { table: String, column: JunctionSide },
}

/// Which side of a junction table holds the ids in question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JunctionSide {
    Source,
    Target,
}

impl JunctionSide {
    /// The column name of this side.
    pub fn column(self) -> &'static str {
        match self {
            Self::Source => "source_id",
            Self::Target => "target_id",
        }
    }

    /// The column name of the other side.
    pub fn other(self) -> &'static str {
        match self {
            Self::Source => "target_id",
            Self::Target => "source_id",
        }
    }
}

impl Catalog {
    /// An object by name.
    pub fn object(&self, name: &str) -> Option<&ObjectDef> {
        self.objects.iter().find(|o| o.name == name)
    }

    /// Every relation, in any object, that holds ids of `object`: BELONGS_TO_ONE
    /// columns targeting it, junctions targeting it, and its own junctions.
    pub fn inbound_relations(&self, object: &str) -> Vec<InboundRelation> {
        let mut out = Vec::new();
        for source in &self.objects {
            for f in &source.fields {
                match f.field_type {
                    FieldType::BelongsToOne if f.target.as_deref() == Some(object) => {
                        out.push(InboundRelation::Column {
                            source_object: source.name.clone(),
                            field: f.name.clone(),
                        });
                    }
                    FieldType::ManyToMany => {
                        let table = f.junction_table(&source.name);
                        if source.name == object {
                            out.push(InboundRelation::Junction {
                                table: table.clone(),
                                column: JunctionSide::Source,
                            });
                        }
                        if f.target.as_deref() == Some(object) {
                            out.push(InboundRelation::Junction {
                                table,
                                column: JunctionSide::Target,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        out
    }
}

/// PostgreSQL's longest identifier, in bytes.
pub const MAX_IDENTIFIER: usize = 63;

/// A relation name made from catalog names (`<object>_<field>`,
/// `_keys_<object>`, index names): itself when it fits PostgreSQL's 63 bytes,
/// otherwise its first 50 bytes, `_` and 12 hex digits of its SHA-256, so
/// that two long names never become one (PostgreSQL would silently truncate
/// them to the same identifier).
pub fn relation_name(name: String) -> String {
    use sha2::Digest;
    if name.len() <= MAX_IDENTIFIER {
        return name;
    }
    let digest = sha2::Sha256::digest(name.as_bytes());
    let mut head = name;
    // Catalog names are ASCII, so byte 50 is a char boundary.
    head.truncate(50);
    let hex = crate::hex::encode(&digest);
    format!("{head}_{}", hex.get(..12).unwrap_or(&hex))
}

/// Whether a catalog name is a safe SQL identifier: lowercase ASCII letter, then
/// lowercase letters, digits or `_`, at most 63 characters. Longer names made
/// from them go through [`relation_name`].
pub fn is_catalog_name(s: &str) -> bool {
    is_identifier(s, MAX_IDENTIFIER)
}

/// Whether an organization slug is acceptable: the rule of catalog names, at
/// most 40 bytes, as it becomes the schema name `org_<slug>`.
pub fn is_slug(s: &str) -> bool {
    is_identifier(s, 40)
}

/// A lowercase letter, then lowercase letters, digits and `_`, at most `max`
/// bytes: safe to quote into SQL and to join into longer names.
fn is_identifier(s: &str, max: usize) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && s.len() <= max
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}
