"""Parquet row groups are sized by values, not by the export's 256-document chunks: Parquet keeps
every row group's metadata in memory until the file closes, so small groups grew with N."""
import pyarrow as pa
import pyarrow.parquet as pq

from extractor.batch import export


def test_batches_are_gathered_into_row_groups_of_bounded_size(tmp_path, monkeypatch):
    schema = pa.schema([("key", pa.string()), ("value", pa.float64())])
    monkeypatch.setattr(export, "PARQUET_CELLS", 2 * 600)  # 600 rows of 2 columns per row group
    batches = [pa.RecordBatch.from_arrays([pa.array([f"k{i}-{j}" for j in range(256)]),
                                           pa.array([float(j) for j in range(256)])], schema=schema)
               for i in range(4)]
    with export._Table(tmp_path, "t", schema) as table:
        for batch in batches:
            table.write(batch)
    meta = pq.ParquetFile(tmp_path / "t.parquet").metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [768, 256]
    assert pq.read_table(tmp_path / "t.parquet") == pa.Table.from_batches(batches)
    assert (tmp_path / "t.csv").read_text(encoding="utf-8-sig").count("\n") == 1 + 4 * 256
