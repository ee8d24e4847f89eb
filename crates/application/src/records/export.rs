//! Export every record of a selection, streamed in batches.

use kasar_domain::ObjectDef;

use super::command::ExportRecords;
use super::list::selection;
use crate::authorize::{Authorized, Export};
use crate::error::AppError;
use crate::ports::{RecordStream, Tenant};
use crate::Services;

/// An export under way.
pub struct Exported {
    pub object: ObjectDef,
    /// The fields to write besides `id` (`None`: all).
    pub fields: Option<Vec<String>>,
    /// The records, in batches, in the selection's order.
    pub batches: RecordStream,
}

impl std::fmt::Debug for Exported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exported")
            .field("object", &self.object.name)
            .field("fields", &self.fields)
            .finish_non_exhaustive()
    }
}

/// Starts streaming the records `command` selects.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn export(
    services: &Services,
    auth: &Authorized<Export>,
    command: ExportRecords,
) -> Result<Exported, AppError> {
    let tenant = Tenant::from(auth.caller());
    let (_, object) = services.object(&tenant, &command.object).await?;
    let selection = selection(&object, &command.selection)?;
    let batches = services.store.export(&tenant, &object, &selection).await?;
    Ok(Exported {
        object,
        fields: selection.fields,
        batches,
    })
}
