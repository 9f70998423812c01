{#
    Every loaded SAP and Oracle purchase-order row in one shape: its natural key, the line
    amount in the PO currency as the methodology defines spend, and why the line would not
    count (deleted, cancelled, an outline agreement, not approved) if so. Dedup across
    files and schedule fan-out are decided in int_procurement_line_fates.

    SAP (docs/dialects.md D1): spend = net order value, or quantity x net price / price unit when
    the layout has no net order value; a returns item is negative whatever sign the export
    printed; deletion indicator L = deleted (S, blocked, still counts); contracts (K) and
    scheduling agreements (L) are outline agreements, counted through their call-off
    orders. Oracle (D2): spend = amount - cancelled quantity x unit price for quantity
    lines; a line is cancelled by CANCEL_FLAG = Y, status CANCELED or a fully cancelled
    quantity; blanket, contract and planned agreements count through their releases;
    drafts (INCOMPLETE, PENDING APPROVAL; EBS IN PROCESS, REJECTED) are not yet orders.

    `is_open_line`: the line is still open in this export, for the ERP write-back
    (docs/erp-write-back.md). SAP: not deleted, delivery not completed (`Endlieferung`) and
    a still-to-deliver quantity above 0 (a layout without that column has no open lines);
    Oracle: line status OPEN and not cancelled.
#}
with

sap as (select * from {{ ref('stg_sap__me2n_items') }}),

oracle as (select * from {{ ref('stg_oracle__po_lines') }}),

sap_lines as (

    select
        source_row_key,
        'sap_me2n_items' as source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        'sap' as source_system,
        {{ dbt.hash(dbt.concat(["org_code", "'|sap|'", "po_number", "'|'", "cast(po_line as string)"])) }}
            as natural_key,
        po_number,
        po_line,
        po_date,
        supplier_pseudonym,
        cast(null as string) as supplier_country,
        material_group as category_code,
        description,
        currency,
        case
            when net_order_value is not null then 'net order value'
            when quantity is not null and net_price is not null then 'quantity x net price / price unit'
        end as amount_basis,
        cast(case
            when net_order_value is not null then net_order_value
            when coalesce(price_unit, 1) in (0, 1) then round(cast(quantity as decimal(18, 3)) * net_price, 2)
            else round(cast(quantity as decimal(18, 3)) * net_price / price_unit, 2)
        end as {{ type_money() }}) as amount_as_exported,
        is_return,
        account_assignment_category = 'A' as is_asset,
        case
            when deletion_indicator = 'L' then 'deleted'
            when document_category in ('K', 'L') then 'outline_agreement'
        end as exclusion,
        cast(null as string) as business_unit,
        document_type,
        open_quantity,
        coalesce(deletion_indicator, '') != 'L'
        and not coalesce(is_delivery_completed, false)
        and coalesce(open_quantity > 0, false) as is_open_line

    from sap

),

oracle_lines as (

    select
        source_row_key,
        'oracle_po_lines' as source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        'oracle' as source_system,
        {{ dbt.hash(dbt.concat([
            "org_code", "'|oracle|'", "coalesce(upper(business_unit), '')", "'|'", "po_number",
            "'|'", "coalesce(document_type, 'STANDARD')", "'|'", "cast(po_line as string)"
        ])) }} as natural_key,
        po_number,
        po_line,
        po_date,
        supplier_pseudonym,
        supplier_country,
        nullif(trim(split_part(category_name, ' - ', 1)), '') as category_code,
        description,
        currency,
        case
            when
                coalesce(order_type, 'QUANTITY') = 'QUANTITY'
                and quantity_cancelled is not null and unit_price is not null
                then 'amount - cancelled quantity x unit price'
            else 'amount'
        end as amount_basis,
        cast(case
            when
                coalesce(order_type, 'QUANTITY') = 'QUANTITY'
                and quantity_cancelled is not null and unit_price is not null
                then line_amount - round(cast(quantity_cancelled as decimal(18, 3)) * unit_price, 2)
            else line_amount
        end as {{ type_money() }}) as amount_as_exported,
        false as is_return,
        false as is_asset,
        case
            when
                cancel_flag = 'Y'
                or line_status in ('CANCELED', 'CANCELLED')
                or document_status in ('CANCELED', 'CANCELLED')
                or (quantity > 0 and quantity_cancelled >= quantity)
                then 'cancelled'
            when document_type in ('BLANKET', 'CONTRACT', 'PLANNED') then 'outline_agreement'
            when
                document_status in ('INCOMPLETE', 'PENDING APPROVAL')
                or authorization_status in ('INCOMPLETE', 'IN PROCESS', 'REJECTED')
                then 'not_approved'
        end as exclusion,
        business_unit,
        document_type,
        cast(null as {{ type_double() }}) as open_quantity,
        coalesce(line_status = 'OPEN' and coalesce(cancel_flag, 'N') != 'Y', false) as is_open_line

    from oracle

),

unioned as (

    select * from sap_lines
    union all
    select * from oracle_lines

),

final as (

    select
        {{ star_except(['amount_as_exported']) }},
        cast(
            case when is_return then -abs(amount_as_exported) else amount_as_exported end
            as {{ type_money() }}
        ) as amount

    from unioned

)

select * from final
