with

source as (select * from {{ source('ops', 'management_files') }}),

renamed as (

    select
        file as management_file,
        input as input_kind,
        org_code,
        status as file_status,
        message as file_message

    from source

)

select * from renamed
