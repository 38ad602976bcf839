"""``cashcast sweep SPEC``: the spec (:mod:`.spec`), the Dask engine and Parquet partitions
(:mod:`.engine`) and the summary table (:mod:`.summary`). Imported only by the sweep command, so
``import cashcast`` and the other commands never import Dask or pyarrow."""
