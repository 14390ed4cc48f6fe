using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScimProvisioning.Migrations.Postgres.Migrations
{
    /// <summary>
    /// Triggers that notify every listening instance (channel <c>scim_resources_changed</c>, read by the server's
    /// PostgresChangeFeed) when a transaction commits a change to what a SCIM user reads as: a user, a group or a
    /// membership updated or deleted, a membership added, an email or other multi-valued row updated or deleted.
    /// Inserted users, groups, emails and multi-valued rows do not notify: no copy of a user that did not exist can be
    /// held, and changing an existing user's emails or other multi-valued rows also updates the user's row (its
    /// version), which notifies. PostgreSQL sends one notification per transaction however many statements fire.
    /// </summary>
    public partial class ResourceChangeNotifications : Migration
    {
        private static readonly (string Table, string Events)[] Triggers =
        [
            ("Users", "UPDATE OR DELETE OR TRUNCATE"),
            ("UserEmails", "UPDATE OR DELETE OR TRUNCATE"),
            ("UserMultiValue", "UPDATE OR DELETE OR TRUNCATE"),
            ("UserGroups", "UPDATE OR DELETE OR TRUNCATE"),
            ("UserGroupMembers", "INSERT OR UPDATE OR DELETE OR TRUNCATE"),
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                CREATE FUNCTION scim_resources_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('scim_resources_changed', '');
                    RETURN NULL;
                END
                $$;
                """
            );
            foreach (var (table, events) in Triggers)
            {
                migrationBuilder.Sql(
                    $"""
                    CREATE TRIGGER scim_resources_changed AFTER {events} ON "{table}"
                        FOR EACH STATEMENT EXECUTE FUNCTION scim_resources_changed();
                    """
                );
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (table, _) in Triggers)
            {
                migrationBuilder.Sql($"""DROP TRIGGER scim_resources_changed ON "{table}";""");
            }

            migrationBuilder.Sql("DROP FUNCTION scim_resources_changed();");
        }
    }
}
