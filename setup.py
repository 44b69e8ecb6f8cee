"""PL Choice: personalized learning by the learner, as Open edX XBlocks and an LTI 1.3 tool."""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def package_data_files(package: str, *folders: str) -> list[str]:
    """Every file under ``folders`` (inside ``package``), so a wheel ships static files and catalogs."""
    root = HERE / package
    files = []
    for folder in folders:
        for path in (root / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                files.append(str(path.relative_to(root)))
    return files


XBLOCK_REQUIRES = ["XBlock>=5.0", "web-fragments", "lxml", "edx-submissions>=3.7"]
LTI_REQUIRES = [
    "Flask>=3.0", "PyLTI1p3==2.0.0", "SQLAlchemy>=2.0", "alembic>=1.13", "gunicorn>=22",
    "redis>=5", "psycopg[binary]>=3.1", "cryptography>=42", "requests>=2.31", "lxml",
    "boto3>=1.34", "prometheus_client>=0.20",
]
TEST_REQUIRES = [
    "pytest>=8", "hypothesis>=6.100", "ruff>=0.6", "xblock-sdk>=0.12", "XBlock[django]",
    "xblock-free-text-response", "playwright>=1.45", "axe-playwright-python>=0.1.4",
    "lti1p3platform==0.1.8", "setuptools<81", "babel>=2.14", "build", "psutil",
    "moto[server]>=5",  # a real S3 API server on loopback for the blob store tests
    "flask-caching",  # the pylti1p3 example tool the LTI benchmark compares against uses it
    "edx-completion>=5.0",  # the LMS's completion service and BlockCompletion table, in the workbench
    "edx-event-routing-backends",  # the xAPI transformers of our edx.plchoice.* events run on the real package
]

setup(
    name="plchoice",
    version="0.1.0",
    description=__doc__,
    long_description=(HERE / "README.md").read_text(encoding="utf-8") if (HERE / "README.md").exists() else "",
    long_description_content_type="text/markdown",
    license="AGPL-3.0-only",
    python_requires=">=3.12",
    packages=find_packages(include=["xblock_plchoice", "xblock_plchoice.*", "lti_tool", "lti_tool.*"]),
    package_data={
        "xblock_plchoice": package_data_files("xblock_plchoice", "static", "translations", "templates"),
        "lti_tool": package_data_files("lti_tool", "web/templates", "db/migrations"),
    },
    install_requires=XBLOCK_REQUIRES,
    extras_require={"lti": LTI_REQUIRES, "test": TEST_REQUIRES + LTI_REQUIRES},
    entry_points={
        "xblock.v1": [
            "plchoice = xblock_plchoice.blocks.choice:PLChoiceBlock",
            "plreflection = xblock_plchoice.blocks.reflection:PLReflectionBlock",
        ],
        "lms.djangoapp": ["xblock_plchoice = xblock_plchoice.blocks.apps:PLChoiceConfig"],
        "cms.djangoapp": ["xblock_plchoice = xblock_plchoice.blocks.apps:PLChoiceConfig"],
        "console_scripts": ["plchoice-lti = lti_tool.cli:main"],
    },
    classifiers=[
        "Framework :: Django",
        "Programming Language :: Python :: 3.12",
    ],
)
