with

source as (select * from {{ source('factors', 'procurement_guidelines') }}),

renamed as (

    select
        trim(unspsc_family) as unspsc_family,
        {{ clean_text('product_group') }} as product_group,
        {{ clean_text('criteria') }} as criteria,
        {{ clean_text('ecolabels') }} as ecolabels,
        {{ clean_text('reference') }} as guideline_reference

    from source

)

select * from renamed
