"""Private alignment as a cross-party job: propose, check, run over the peer link, store, list."""

from app.data.ids import ID_TYPES  # noqa: F401 (the ID types a page or command offers)
from app.workflows.alignment.job import (  # noqa: F401
    DEFAULT_CHUNK_SIZE, INLINE_BELOW, RESULT_EXPOSURE, WINDOW, align_over_channel, alignments,
    check_proposal, choose_dataset, propose_alignment, resume_from, run_alignment_job,
)
