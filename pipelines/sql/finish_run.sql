-- Close a run's row in ops.runs with the manifest's counts for this run
-- (pipelines/runs.py finish).
update ops.runs set
    finished_at = $finished_at,
    status = $status,
    message = $message,
    orgs_held = coalesce($orgs_held, orgs_held),
    files_seen = (select count(*) from ops.file_manifest),
    files_new = (
        select count(*) from ops.file_manifest
        where run_id = $run_id
    ),
    files_loaded = (
        select count(*) from ops.file_manifest
        where run_id = $run_id and status in ('loaded', 'superseded')
    ),
    files_rejected = (
        select count(*) from ops.file_manifest
        where run_id = $run_id and status = 'rejected'
    ),
    files_duplicate = (
        select count(*) from ops.file_manifest
        where run_id = $run_id and status = 'duplicate'
    ),
    files_superseded = (
        select count(*) from ops.file_manifest
        where status = 'superseded'
    ),
    files_waiting = (
        select count(*) from ops.file_manifest
        where status = 'waiting'
    ),
    rows_loaded = (
        select coalesce(sum(rows_loaded), 0) from ops.file_manifest
        where run_id = $run_id
    ),
    rows_quarantined = (
        select coalesce(sum(rows_quarantined), 0) from ops.file_manifest
        where run_id = $run_id
    )
where run_id = $run_id
