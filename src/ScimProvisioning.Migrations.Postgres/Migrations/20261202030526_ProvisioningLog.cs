using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ScimProvisioning.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ProvisioningLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ProvisioningLog",
                columns: table => new
                {
                    Key = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Id = table.Column<string>(type: "text", nullable: true),
                    AccountId = table.Column<string>(type: "text", nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    TokenId = table.Column<string>(type: "text", nullable: true),
                    TokenName = table.Column<string>(type: "text", nullable: true),
                    Dialect = table.Column<string>(type: "text", nullable: false),
                    DialectReasons = table.Column<string>(type: "text", nullable: false),
                    UserAgent = table.Column<string>(type: "text", nullable: true),
                    Profile = table.Column<string>(type: "text", nullable: false),
                    Method = table.Column<string>(type: "text", nullable: false),
                    Path = table.Column<string>(type: "text", nullable: false),
                    Query = table.Column<string>(type: "text", nullable: true),
                    Resource = table.Column<string>(type: "text", nullable: false),
                    ResourceId = table.Column<string>(type: "text", nullable: true),
                    Shape = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Outcome = table.Column<string>(type: "text", nullable: false),
                    DurationMs = table.Column<double>(type: "double precision", nullable: false),
                    RequestBody = table.Column<string>(type: "text", nullable: true),
                    RequestTruncated = table.Column<bool>(type: "boolean", nullable: false),
                    ResponseBody = table.Column<string>(type: "text", nullable: true),
                    ResponseTruncated = table.Column<bool>(type: "boolean", nullable: false),
                    Interpretation = table.Column<string>(type: "text", nullable: true),
                    Changes = table.Column<string>(type: "text", nullable: true),
                    Rules = table.Column<string>(type: "text", nullable: true),
                    Verdict = table.Column<string>(type: "text", nullable: false),
                    VerdictReasons = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProvisioningLog", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ProvisioningLog_AccountId_Key",
                table: "ProvisioningLog",
                columns: new[] { "AccountId", "Key" });

            migrationBuilder.CreateIndex(
                name: "IX_ProvisioningLog_Id",
                table: "ProvisioningLog",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ProvisioningLog_OccurredAt",
                table: "ProvisioningLog",
                column: "OccurredAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProvisioningLog");
        }
    }
}
