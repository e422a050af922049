import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # import smsguard_train without installing it

FIXTURES = HERE / "fixtures" / "data"

# Invented JD-style send-log cells: `@n` channel prefix, optional `[k/n]` part marker.
MARKETING_CELLS = [
    "@12[1/2]【星河商城】年货节爆款直降，满299减50，戳 http://s.example/a1",
    "@7[2/2]吧 http://s.example/a1",
    "@3【星河商城】会员专享券已到账，有效期3天，回T退订",
    "@45【星河商城】会员专享券已到账，有效期3天，回T退订",
    "[1/3]【星河商城】家电焕新季，以旧换新最高补贴800元",
    "",
    None,
    12345,
]


def write_marketing_xlsx(folder: Path, cells=MARKETING_CELLS) -> Path:
    import openpyxl

    sub = folder / "营销类"
    sub.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    for c in cells:
        ws.append([c])
    path = sub / "fixture.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The fixture corpora, plus a generated .xlsx (no binary files in git)."""
    d = tmp_path / "data"
    shutil.copytree(FIXTURES, d)
    write_marketing_xlsx(d / "anonyscorpio_marketing")
    return d
