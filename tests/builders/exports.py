"""Every tabular dialect's `Export` variants, for the faults that run across all of them."""

from tests.builders.fuelcard import FUELCARD
from tests.builders.generator_fuel_log import GENERATOR_XLSX
from tests.builders.oracle_po import ORACLE_FUSION, ORACLE_OTBI
from tests.builders.refrigerant_log import REFRIGERANT
from tests.builders.sap_me2n import SAP_DE, SAP_EN, SAP_XLSX
from tests.builders.tmc_travel import TMC_CSV, TMC_XLSX
from tests.builders.utility_bill import UTILITY_CSV

TABULAR = (
    TMC_CSV,
    TMC_XLSX,
    FUELCARD,
    REFRIGERANT,
    UTILITY_CSV,
    SAP_DE,
    SAP_EN,
    SAP_XLSX,
    ORACLE_FUSION,
    ORACLE_OTBI,
    GENERATOR_XLSX,
)
CSV_EXPORTS = tuple(e for e in TABULAR if e.suffix == ".csv")
