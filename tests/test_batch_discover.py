"""Discovery walks folders as strings, one folder at a time (flat memory in the number of files)."""
import os

from extractor.batch.discover import discover


def test_walk_skips_hidden_and_results_folders_and_counts_the_rest(tmp_path):
    root = tmp_path / "in"
    for rel in ("a.txt", "a-b/x.pdf", "a/b.html", "a/c/d.docx", ".hidden/e.txt", "a/.f.txt", "notes.json",
                "old/results/k.json", "old/texts/k.txt", "old/report.txt", "z.MD"):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rel)
    os.symlink(root / "a.txt", root / "link.txt")  # the same file twice: one input, the first name kept
    os.symlink(root / "a", root / "linked-folder")  # a symlinked folder is not entered
    found = discover([str(root)])
    names = sorted(os.path.relpath(p, root) for p in found.paths)
    # notes.json is accounted for (an unsupported record saying what to do), not read;
    # hidden files and results folders are neither inputs nor counted
    assert names == ["a-b/x.pdf", "a.txt", "a/b.html", "a/c/d.docx", "notes.json", "z.MD"]
    assert found.ignored == 1
    assert len(found.jobs) == 6 and len({j.key for j in found.jobs}) == 6
    assert [j.reason for j in found.jobs if j.path.endswith("notes.json")] == ["unsupported"]


def test_a_file_named_explicitly_is_taken_whatever_its_type(tmp_path):
    path = tmp_path / "report.json"
    path.write_text("{}")
    found = discover([str(path)])
    assert found.paths == [str(path)]
