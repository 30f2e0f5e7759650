"""Batches at scale: sweep designs expanded into points, tasks of replications run on local
cores or a Dask cluster, and a resumable Parquet store (one part file per task, a manifest)."""
