"""The Dagster home the local stack prepares: the project's instance settings, kept current."""

from dagster_project.local_stack import INSTANCE_TEMPLATE, prepare_dagster_home


def test_a_home_written_by_an_older_version_gets_the_current_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    first_line = INSTANCE_TEMPLATE.read_text().splitlines()[0]
    (tmp_path / "dagster.yaml").write_text(
        f"{first_line}\nconcurrency:\n  runs:\n    max_concurrent_runs: 1\n"
    )
    prepare_dagster_home()
    assert (tmp_path / "dagster.yaml").read_text() == INSTANCE_TEMPLATE.read_text()
    assert "managed_python_loggers" in (tmp_path / "dagster.yaml").read_text()


def test_an_instance_file_the_operator_wrote_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    own = "# my instance\nrun_monitoring:\n  enabled: true\n"
    (tmp_path / "dagster.yaml").write_text(own)
    prepare_dagster_home()
    assert (tmp_path / "dagster.yaml").read_text() == own
