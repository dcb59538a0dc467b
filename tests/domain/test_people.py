from __future__ import annotations

import shutil

import pytest

from planner.domain import Driver, drivers_by_vehicle
from planner.exceptions import CaseError
from planner.io import read_case, write_case

from ..conftest import ROOT


def test_the_kth_driver_of_a_type_drives_its_kth_vehicle() -> None:
    drivers = [Driver("a", "Nguyễn Văn An", "moto"), Driver("b", "Trần Thị Bình", "truck"),
               Driver("c", "Lê Văn Cường", "moto")]
    assert {v: d.id for v, d in drivers_by_vehicle(drivers).items()} == {
        "moto#1": "a", "truck#1": "b", "moto#2": "c"}


def test_a_driver_needs_a_name() -> None:
    with pytest.raises(ValueError, match="driver x: name must not be empty"):
        Driver("x", "", "moto")


def test_drivers_csv_is_read_and_written_back(tmp_path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(ROOT / "tests" / "data" / "tiny", folder)
    (folder / "drivers.csv").write_text(
        "id,name,vehicle_type,phone,plate\nd1,Giáp Văn Thành,moto,0000 000 001,98B1-000.01\n",
        encoding="utf-8")
    case = read_case(folder)
    assert case.drivers == (Driver("d1", "Giáp Văn Thành", "moto", "0000 000 001", "98B1-000.01"),)
    assert read_case(write_case(case, tmp_path / "again")) == case


def test_a_driver_of_an_unknown_vehicle_type_names_the_row(tmp_path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(ROOT / "tests" / "data" / "tiny", folder)
    (folder / "drivers.csv").write_text("id,name,vehicle_type\nd1,An,bus\nd2,,moto\n",
                                        encoding="utf-8")
    with pytest.raises(CaseError) as err:
        read_case(folder)
    assert "drivers.csv row 2, vehicle_type: unknown vehicle type 'bus'" in err.value.problems
    assert "drivers.csv row 3, name: is required" in err.value.problems
