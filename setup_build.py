"""The package build step that compiles the message catalogues (docgen/locale/*/LC_MESSAGES/
docgen.po -> .mo) into the wheel with Babel: the .mo files are built, never committed."""

from __future__ import annotations

from pathlib import Path

from setuptools.command.build_py import build_py


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(Path("docgen/locale").glob("*/LC_MESSAGES/*.po")):
            target = Path(self.build_lib) / po.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(po, "rb") as fh:
                catalog = read_po(fh, locale=po.parent.parent.name, domain=po.stem)
            with open(target, "wb") as out:
                write_mo(out, catalog)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        mos = [str(Path(self.build_lib) / po.with_suffix(".mo")) for po in Path("docgen/locale").glob("*/LC_MESSAGES/*.po")]
        return [*super().get_outputs(include_bytecode), *mos]
