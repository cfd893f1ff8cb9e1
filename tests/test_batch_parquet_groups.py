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


def test_reading_a_batch_at_a_time_keeps_nothing_of_the_row_groups_read(tmp_path):
    """Arrow's pre-buffering (on by default) keeps each row group's column data until the file
    is closed; the workbook and the cross-year pairing read many row groups, so they read without."""
    from extractor.batch.xlsx import parquet_reader

    rows = 2000
    table = pa.table({"key": [f"{i:016x}" for i in range(rows)], "cell": [f"p3.row{i % 97}.col{i % 7}" for i in range(rows)]})
    path = tmp_path / "t.parquet"
    pq.write_table(pa.concat_tables([table] * 60), path, row_group_size=rows, compression="none")  # 60 groups, ~4 MiB
    one_group = pq.ParquetFile(path).metadata.row_group(0).total_byte_size

    def growth(source: pq.ParquetFile) -> int:
        start, most = pa.total_allocated_bytes(), 0
        for _ in source.iter_batches(500, use_threads=False):
            most = max(most, pa.total_allocated_bytes() - start)
        return most

    assert growth(pq.ParquetFile(path)) > 20 * one_group  # what the test guards against still happens
    assert growth(parquet_reader(path)) < 6 * one_group  # a few groups being decoded, however many were read
